"""The deployment guide (docs/deployment.md) and its units (docs/systemd/) say nothing that fails.

- every `patroli ...` command line in the guide's shell blocks, in its inline code and in the
  units' Exec*= lines names a real command, real options and the right number of arguments
  (parsed with the real click command tree: the parser of each command, as `patroli` would);
- every PATROLI_* variable of the example environment file is one the code reads, and every
  one the code reads is in the example;
- the units pass `systemd-analyze verify` (when the tool exists), with ExecStart's binary
  pointed at this checkout's `patroli` (the guide installs it at /opt/patroli/venv/bin/patroli,
  which does not exist on a test machine; everything else in the units is verified as written).
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import shlex
import shutil
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import click
import pytest
from sqlalchemy import select

from casebook.db import make_engine, make_session_factory
from casebook.models.people import LoginAttempt
from patroli.cli import main

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "deployment.md"
UNITS = ROOT / "docs" / "systemd"
PACKAGES = ("casebook", "crawler", "patroli", "rules", "web")
INSTALLED = "/opt/patroli/venv/bin/patroli"
SHELL_BLOCKS = {"sh", "bash", "shell", "console"}
SEPARATORS = {"&&", "||", ";", "|", "&"}
SUBSTITUTION = re.compile(r"\$\([^()]*\)")  # $(date -u +%Y...): one word, whatever it prints


class Undocumentable(Exception):
    """A documented command line that `patroli` would refuse; the message says why."""


# -- the command lines -------------------------------------------------------------------------


def fenced_blocks(text: str) -> list[tuple[str, str]]:
    """(info string, body) of every fenced code block."""
    return re.findall(r"^```([\w-]*)\n(.*?)^```", text, flags=re.S | re.M)


def shell_commands(script: str) -> list[list[str]]:
    """The simple commands of a shell script, each as its words (continuations joined,
    comments dropped, split at && || ; | &)."""
    commands = []
    script = SUBSTITUTION.sub("$SUBSTITUTED", script.replace("\\\n", " "))
    for line in script.splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split, lexer.commenters = True, "#"
        try:
            words = list(lexer)
        except ValueError as error:  # an unclosed quote: say which line
            raise Undocumentable(f"cannot read shell line {line!r}: {error}") from None
        current: list[str] = []
        for word in words:
            if word in SEPARATORS:
                commands.append(current)
                current = []
            else:
                current.append(word)
        commands.append(current)
    return [command for command in commands if command]


def program_and_arguments(words: list[str]) -> tuple[str, list[str]]:
    """The program a simple command runs, past VAR=value, sudo -u X, env, exec and nice."""
    words = list(words)
    while words:
        first = words[0]
        if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", first) or first in ("env", "exec", "nice"):
            words.pop(0)
        elif first == "sudo":
            words.pop(0)
            while words and words[0].startswith("-"):
                option = words.pop(0)
                if option in ("-u", "-g", "-C", "-D") and words:
                    words.pop(0)
        else:
            break
    return (words[0], words[1:]) if words else ("", [])


def patroli_lines(words_list: list[list[str]]) -> list[list[str]]:
    """The arguments of every command that runs `patroli` (the wrapper or the venv's)."""
    found = []
    for words in words_list:
        program, arguments = program_and_arguments(words)
        if Path(program).name == "patroli":
            found.append(arguments)
    return found


def guide_command_lines() -> list[tuple[list[str], bool]]:
    """(arguments, complete): a line in a shell block must run as written; a command named in
    the prose (`patroli backup`) may leave its arguments out, but not misname anything."""
    text = GUIDE.read_text(encoding="utf-8")
    lines = []
    for info, body in fenced_blocks(text):
        if info in SHELL_BLOCKS:
            lines += [(arguments, True) for arguments in patroli_lines(shell_commands(body))]
    prose = re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)
    for span in re.findall(r"`([^`\n]+)`", prose):
        if "patroli" in span and " " in span.strip():
            lines += [(arguments, False) for arguments in patroli_lines(shell_commands(span))]
    return lines


def unit_exec_lines(path: Path) -> list[str]:
    """The commands of a unit's Exec*= lines, with systemd's prefixes and specifiers undone."""
    commands = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"(Exec\w+)=[-@:+!]*(.*)", line)
        if match:
            commands.append(match.group(2).replace("%i", "7").replace("%%", "%"))
    return commands


def unit_command_lines(path: Path) -> list[list[str]]:
    lines = []
    for command in unit_exec_lines(path):
        words = shlex.split(command)
        if words[:2] in (["/bin/sh", "-c"], ["/usr/bin/sh", "-c"]):
            lines += patroli_lines(shell_commands(words[2]))
        else:
            lines += patroli_lines([words])
    return lines


def is_placeholder(value) -> bool:
    """A value the guide leaves to the operator: $(...), "$@", ID, NAME, DEST, FILE|-."""
    values = value if isinstance(value, (list, tuple)) else [value]
    return any("$" in str(v) or re.fullmatch(r"[A-Z][A-Z0-9_|-]*", str(v)) for v in values)


def check_command_line(arguments: list[str], complete: bool = True) -> str:
    """The command path `arguments` run, e.g. 'patroli crawl plan'; Undocumentable if the
    real `patroli` would refuse them (unknown command or option, a missing or extra argument,
    a value of the wrong type)."""
    if "$@" in arguments:  # the wrapper passes everything on: only what precedes is ours
        arguments = arguments[: arguments.index("$@")]
        if not arguments:
            return "patroli"
    command: click.Command = main
    context = click.Context(main, info_name="patroli")
    path = ["patroli"]
    rest = list(arguments)
    while isinstance(command, click.Group):
        if not rest:
            raise Undocumentable(f"`{' '.join(path)}` needs a sub-command")
        name = rest.pop(0)
        if name in ("-h", "--help"):
            return " ".join(path)
        sub = command.get_command(context, name)
        if sub is None:
            raise Undocumentable(f"`{' '.join(path)}` has no command {name!r}")
        path.append(name)
        command, context = sub, click.Context(sub, info_name=name, parent=context)
    line = " ".join([*path, *rest])
    try:
        values, extra, _order = command.make_parser(context).parse_args(list(rest))
    except click.UsageError as error:
        raise Undocumentable(f"`{line}`: {error.format_message()}") from None
    if extra:
        raise Undocumentable(f"`{line}`: unexpected argument(s) {extra}")
    for param in command.params:
        value = values.get(param.name)
        if not isinstance(value, (str, list, tuple)):  # not given (None, or click's UNSET)
            if complete and isinstance(param, click.Argument) and param.required:
                raise Undocumentable(f"`{line}`: missing argument {param.human_readable_name}")
            continue
        if is_placeholder(value) or isinstance(param.type, (click.File, click.Path)):
            continue
        try:
            param.type_cast_value(context, value)
        except click.BadParameter as error:
            raise Undocumentable(f"`{line}`: {error.format_message()}") from None
    return " ".join(path)


UNIT_FILES = sorted(UNITS.glob("*.service"))


def test_the_guide_and_units_exist():
    names = {path.name for path in UNITS.iterdir()}
    assert {"patroli-web.service", "patroli-scheduler.service", "patroli-worker@.service",
            "patroli-backup.service", "patroli-backup.timer"} <= names  # fmt: skip
    assert (ROOT / "docs" / "nginx" / "patroli.conf").is_file()


def test_every_command_line_in_the_guide_runs_a_real_command():
    lines = guide_command_lines()
    problems, paths = [], set()
    for arguments, complete in lines:
        try:
            paths.add(check_command_line(arguments, complete))
        except Undocumentable as error:
            problems.append(str(error))
    assert not problems, "\n".join(problems)
    # The extractor found the commands the guide is about (an empty harvest proves nothing).
    assert {
        "patroli serve", "patroli db upgrade", "patroli scheduler run", "patroli backup",
        "patroli restore", "patroli evidence verify", "patroli audit verify", "patroli crawl plan",
        "patroli users add", "patroli jobs work",
    } <= paths, paths  # fmt: skip


@pytest.mark.parametrize("unit", UNIT_FILES, ids=lambda path: path.name)
def test_every_unit_runs_a_real_command(unit):
    commands = unit_command_lines(unit)
    assert commands, f"{unit.name} runs no patroli command"
    for arguments in commands:
        check_command_line(arguments)  # raises Undocumentable with the reason
    for command in unit_exec_lines(unit):
        program = shlex.split(command)[0]
        assert program in (INSTALLED, "/bin/sh", "/usr/bin/find"), program


@pytest.mark.parametrize(
    "line, refused",
    [
        ("patroli serve --host 127.0.0.1 --port 8800 --trusted-proxy 127.0.0.1", None),
        ("patroli serve --no-such-option", "No such option"),
        ("patroli serve --port eighty", "not a valid integer"),
        ("patroli serve --workers 99", "not in the range"),
        ("patroli no-such-command", "has no command"),
        ("patroli db", "needs a sub-command"),
        ("patroli db downgrade", "has no command"),
        ("patroli crawl plan", "missing argument"),
        ("patroli crawl plan 7 8", "unexpected argument"),
        ("patroli crawl plan ID", None),  # a placeholder the operator fills in
        ("patroli users add admin --role overlord", "is not one of"),
        ("patroli jobs run $(cat job-id)", None),
    ],
)
def test_the_checker_refuses_what_patroli_refuses(line, refused):
    [arguments] = patroli_lines(shell_commands(line))
    if refused is None:
        check_command_line(arguments)
        return
    with pytest.raises(Undocumentable, match=refused):
        check_command_line(arguments)


@pytest.mark.parametrize(
    "script, expected",
    [
        ("sudo -u patroli patroli db upgrade", [["db", "upgrade"]]),
        ("sudo -u patroli env PATROLI_DATA_DIR=/x \\\n  /opt/patroli/venv/bin/patroli audit verify",
         [["audit", "verify"]]),
        ("systemctl stop x && patroli evidence verify  # then look", [["evidence", "verify"]]),
        ("adduser --system --group --home /var/lib/patroli patroli", []),  # the account's name
        ("sudo -u postgres createuser --pwprompt patroli", []),
        ("chmod 0755 /usr/local/bin/patroli", []),
        ("# patroli serve", []),
    ],
)  # fmt: skip
def test_the_extractor_finds_patroli_only_where_it_runs(script, expected):
    assert patroli_lines(shell_commands(script)) == expected


# -- the environment ---------------------------------------------------------------------------


def documented_variables() -> set[str]:
    for _info, body in fenced_blocks(GUIDE.read_text(encoding="utf-8")):
        if body.startswith("# /etc/patroli/patroli.env"):
            return set(re.findall(r"^#?(PATROLI_[A-Z0-9_]+)=", body, flags=re.M))
    raise AssertionError("the guide has no /etc/patroli/patroli.env example")


READ = re.compile(
    r"""(?:environ\.get\(|environ\[|getenv\(|env\.get\(|env\[)\s*["'](PATROLI_[A-Z0-9_]+)["']"""
)


def variables_read_by_the_code() -> dict[str, str]:
    """PATROLI_* name -> a file that reads it from the environment."""
    read = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for name in READ.findall(path.read_text(encoding="utf-8")):
                read.setdefault(name, str(path.relative_to(ROOT)))
    return read


def test_every_documented_variable_is_read_by_the_code():
    read = variables_read_by_the_code()
    unread = sorted(documented_variables() - set(read))
    assert not unread, f"documented but read nowhere: {unread}"


def test_every_variable_the_code_reads_is_documented():
    read = variables_read_by_the_code()
    undocumented = {name: where for name, where in read.items()
                    if name not in documented_variables()}  # fmt: skip
    assert not undocumented, f"read but not in the env example: {undocumented}"
    assert {"PATROLI_DATABASE_URL", "PATROLI_REDIS_URL", "PATROLI_DATA_DIR"} <= set(read)


@pytest.mark.parametrize(
    "source, found",
    [
        ('os.environ.get("PATROLI_SOFFICE")', {"PATROLI_SOFFICE"}),
        ("env.get('PATROLI_DATA_DIR') or './var'", {"PATROLI_DATA_DIR"}),
        ('os.environ.get(\n    "PATROLI_REDIS_URL"\n)', {"PATROLI_REDIS_URL"}),
        ('settings.getint("PATROLI_BATCH_SIZE", 50)', set()),  # a Scrapy setting, not the env
        ('app.config.get("PATROLI_LETTER_PDF", True)', set()),  # Flask config
        ('"""PATROLI_LOG_FORMAT=json makes..."""', set()),  # prose
    ],
)
def test_reading_the_environment_is_told_from_mentioning_a_name(source, found):
    assert set(READ.findall(source)) == found


# -- systemd ---------------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_units_pass_systemd_analyze_verify(tmp_path):
    ours = Path(sys.executable).parent / "patroli"
    assert ours.exists(), ours
    for unit in UNITS.iterdir():
        (tmp_path / unit.name).write_text(unit.read_text().replace(INSTALLED, str(ours)))
    # The template is verified through an instance, as systemctl would start it.
    names = [p.name for p in sorted(tmp_path.iterdir()) if "@." not in p.name]
    names.append("patroli-worker@7.service")
    verify = subprocess.run(
        ["systemd-analyze", "verify", *[f"./{name}" for name in names]],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    said = [line for line in (verify.stdout + verify.stderr).splitlines() if "patroli" in line]
    assert verify.returncode == 0 and not said, "\n".join(said) or verify.stderr


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_systemd_analyze_verify_is_not_silent_about_a_broken_unit(tmp_path):
    """The verify test can fail: a misspelt key and a wrong kill mode are reported."""
    unit = (UNITS / "patroli-web.service").read_text().replace(INSTALLED, "/bin/true")
    broken = unit.replace("KillMode=mixed", "KillMode=bogus").replace(
        "NoNewPrivileges=", "NoNewPrivilegez="
    )
    (tmp_path / "patroli-broken.service").write_text(broken)
    verify = subprocess.run(
        ["systemd-analyze", "verify", "./patroli-broken.service"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    said = verify.stdout + verify.stderr
    assert "bogus" in said and "NoNewPrivilegez" in said


# -- nginx in front of patroli serve, as the guide installs it --------------------------------

SITE = ROOT / "docs" / "nginx" / "patroli.conf"
NAME = "patroli.example.go.id"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class NamedTls(http.client.HTTPSConnection):
    """https to 127.0.0.1 naming `server_name` in the handshake (SNI), as a browser would."""

    def __init__(self, port: int, server_name: str = NAME) -> None:
        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE  # self-signed
        super().__init__("127.0.0.1", port, context=context, timeout=30)
        self.server_name = server_name

    def connect(self) -> None:
        raw = socket.create_connection(("127.0.0.1", self.port), timeout=30)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.server_name)


def ask(connection, method: str, path: str, body=None, headers=None):
    connection.request(method, path, body, {"Host": f"{NAME}:{connection.port}", **(headers or {})})
    answer = connection.getresponse()
    return answer, answer.read()


def wait_for_port(port: int, process: subprocess.Popen) -> None:
    for _ in range(300):
        assert process.poll() is None, process.communicate()
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return
        time.sleep(0.1)
    raise AssertionError(f"nothing listens on {port}")


@pytest.fixture(scope="module")
def behind_nginx(tmp_path_factory):
    """`patroli serve` as patroli-web.service runs it, behind docs/nginx/patroli.conf on loopback
    ports: (https port, http port, waitress port, data dir)."""
    if not (shutil.which("nginx") and shutil.which("openssl")):
        pytest.skip("no nginx")
    tmp_path = tmp_path_factory.mktemp("nginx")
    https, plain, backend = free_port(), free_port(), free_port()
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", f"/CN={NAME}", "-keyout", tmp_path / "key.pem",
                    "-out", tmp_path / "cert.pem"], check=True, capture_output=True)  # fmt: skip
    site = SITE.read_text()
    site = site.replace("/etc/ssl/patroli/fullchain.pem", str(tmp_path / "cert.pem"))
    site = site.replace("/etc/ssl/patroli/privkey.pem", str(tmp_path / "key.pem"))
    site = site.replace("127.0.0.1:8800", f"127.0.0.1:{backend}")
    site = re.sub(r"^\s*listen \[::\].*$", "", site, flags=re.M)  # loopback IPv4 only here
    site = re.sub(r"listen 443\b", f"listen 127.0.0.1:{https}", site)
    site = re.sub(r"listen 80\b", f"listen 127.0.0.1:{plain}", site)
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n access_log off;\n client_body_temp_path {tmp_path}/body;\n"
        f" proxy_temp_path {tmp_path}/proxy;\n include {tmp_path}/site.conf;\n}}\n"
    )
    env = {**os.environ, "PATROLI_DATA_DIR": str(tmp_path / "data")}
    for name in ("PATROLI_DATABASE_URL", "PATROLI_METRICS_TOKEN", "PATROLI_REDIS_URL"):
        env.pop(name, None)
    patroli = [sys.executable, "-m", "patroli"]
    # (the first command on an empty data dir creates the casebook)
    subprocess.run([*patroli, "users", "add", "analis", "--role", "analyst", "--password",
                    "rahasia-nginx-1"], env=env, check=True, capture_output=True)  # fmt: skip
    # patroli-web.service's ExecStart, on a free port and with one serving process.
    web = subprocess.Popen([*patroli, "serve", "--host", "127.0.0.1", "--port", str(backend),
                            "--workers", "1", "--trusted-proxy", "127.0.0.1"], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    nginx = subprocess.Popen(["nginx", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"),
                              "-g", "daemon off;"], stderr=subprocess.PIPE)  # fmt: skip
    try:
        wait_for_port(backend, web)
        wait_for_port(https, nginx)
        yield https, plain, backend, tmp_path / "data"
    finally:
        for process in (nginx, web):
            process.terminate()
            try:
                process.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.communicate()


@pytest.mark.skipif(not (shutil.which("nginx") and shutil.which("openssl")), reason="no nginx")
def test_the_nginx_site_serves_patroli_as_the_guide_says(behind_nginx):
    https, plain, backend, data = behind_nginx
    tls = NamedTls(https)
    try:
        for path, status in (("/healthz", 200), ("/readyz", 200), ("/metrics", 404)):
            answer, _ = ask(tls, "GET", path)
            assert answer.status == status, path
        # An officer logs in through the form: the cookie is Secure, the redirect stays https
        # on the address the browser used, and the form check accepts the browser's Referer.
        page, body = ask(tls, "GET", "/login")
        assert "Secure" in page.headers["Set-Cookie"]
        assert page.headers["Strict-Transport-Security"]
        cookie = page.headers["Set-Cookie"].split(";")[0]
        token = re.search(r'name="csrf_token" value="([^"]+)"', body.decode()).group(1)
        form = urlencode({"username": "analis", "password": "rahasia-nginx-1", "csrf_token": token})
        answer, _ = ask(tls, "POST", "/login", form, {
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie,
            "Referer": f"https://{NAME}:{https}/login",
            "X-Forwarded-For": "203.0.113.9",  # forged by the client: nginx must not pass it on
        })  # fmt: skip
        assert answer.status == 302, answer.status
        assert answer.headers["Location"] in ("/", f"https://{NAME}:{https}/")
        # A registry upload over the cap is refused by nginx before any of it is sent.
        answer, _ = ask(tls, "POST", "/imports", None, {"Content-Length": str(300 * 2**20)})
        assert answer.status == 413
    finally:
        tls.close()
    # Metrics are there for a caller on the host itself, never through the proxy.
    direct = http.client.HTTPConnection("127.0.0.1", backend, timeout=30)
    try:
        direct.request("GET", "/metrics")
        answer = direct.getresponse()
        assert answer.status == 200 and b"patroli_up 1" in answer.read()
    finally:
        direct.close()
    # Plain HTTP only redirects to https.
    redirect = http.client.HTTPConnection("127.0.0.1", plain, timeout=30)
    try:
        answer, _ = ask(redirect, "GET", "/login")
        assert answer.status == 301 and answer.headers["Location"] == f"https://{NAME}/login"
    finally:
        redirect.close()
    # The login counted the address nginx saw, not the one the client wrote.
    engine = make_engine(f"sqlite:///{data / 'patroli.db'}")
    try:
        with make_session_factory(engine)() as session:
            assert session.scalars(select(LoginAttempt.address)).all() == ["127.0.0.1"]
    finally:
        engine.dispose()


@pytest.mark.skipif(not (shutil.which("nginx") and shutil.which("openssl")), reason="no nginx")
@pytest.mark.parametrize("server_name", ["other.example.org", None])
def test_the_nginx_site_answers_no_other_name(behind_nginx, server_name):
    https = behind_nginx[0]
    tls = NamedTls(https, server_name)
    try:
        with pytest.raises(ssl.SSLError):  # ssl_reject_handshake: no certificate, no page
            tls.connect()
    finally:
        tls.close()


# -- the environment file and the wrapper, as the guide writes them ---------------------------


def guide_block(starting: str) -> str:
    for _info, body in fenced_blocks(GUIDE.read_text(encoding="utf-8")):
        if body.startswith(starting):
            return body
    raise AssertionError(f"the guide has no block starting {starting!r}")


def test_the_wrapper_reads_the_environment_file_and_passes_everything_on(tmp_path):
    """/usr/local/bin/patroli as the guide writes it, over the example environment file (its
    data dir moved here): `patroli db upgrade` through it creates the casebook there."""
    env_file = guide_block("# /etc/patroli/patroli.env").replace(
        "PATROLI_DATA_DIR=/var/lib/patroli/data", f"PATROLI_DATA_DIR={tmp_path / 'data'}"
    )
    (tmp_path / "patroli.env").write_text(env_file)
    install = guide_block("cat > /usr/local/bin/patroli")
    wrapper = re.search(r"<<'EOF'\n(.*?)^EOF$", install, flags=re.S | re.M).group(1)
    wrapper = wrapper.replace("/etc/patroli/patroli.env", str(tmp_path / "patroli.env"))
    wrapper = wrapper.replace(INSTALLED, str(Path(sys.executable).parent / "patroli"))
    (tmp_path / "patroli").write_text(wrapper)
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PATROLI_")}
    done = subprocess.run(["sh", str(tmp_path / "patroli"), "db", "upgrade"], env=clean,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"database ready: sqlite:///{tmp_path / 'data' / 'patroli.db'}" in done.stdout
    assert (tmp_path / "data" / "patroli.db").is_file()
