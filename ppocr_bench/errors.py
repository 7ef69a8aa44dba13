"""The one exception type the CLI turns into a one-line error message."""


class PpocrError(Exception):
    """A user-facing error: bad input, bad arguments or a missing resource.

    The message is a single line that names the file or value at fault and the problem.
    """


class PpocrWarning(UserWarning):
    """Something the user must hear about that does not stop the work (a damaged image that
    still decodes, ...): one line naming the file and the problem; the CLI prints it as
    ``warning: <message>`` on stderr."""
