from patroli.cli import main

main()
