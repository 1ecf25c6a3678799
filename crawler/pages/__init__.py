"""Page objects: the only code that knows where things sit on a page or in a payload."""
