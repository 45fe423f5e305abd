"""The exceptions Journeys raises.

Every error a user can cause derives from `JourneysError`. Its message names the
bad value and where it is, and states what to do; the command line prints it as it
is, with no traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


class JourneysError(Exception):
    """Base class of every error Journeys raises on purpose."""

    #: A stable, machine-readable code, used by `--json` output and the API.
    code = "error"


class NotFoundError(JourneysError):
    """A journey, run, recipient, number or agent id that does not exist."""

    code = "not_found"


class ConflictError(JourneysError):
    """The request is valid, but the object's current state does not allow it."""

    code = "conflict"


class VersionConflictError(ConflictError):
    """A save based on a version of a journey that is no longer its current one."""

    code = "version_conflict"


class InvalidInputError(JourneysError):
    """An option, setting or value that cannot be used as given."""

    code = "invalid_input"


@dataclass(frozen=True)
class Problem:
    """One problem found in a journey document, located by node id or path."""

    message: str
    node_id: str | None = None
    path: str | None = None

    def __str__(self) -> str:
        where = f"node '{self.node_id}'" if self.node_id else (self.path or "journey")
        return f"{where}: {self.message}"


class JourneyInvalidError(JourneysError):
    """A journey document with one or more problems; all of them are listed."""

    code = "journey_invalid"

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  - {problem}" for problem in problems)
        count = "1 problem" if len(problems) == 1 else f"{len(problems)} problems"
        super().__init__(f"The journey has {count}:\n{lines}")


class ImportFileError(JourneysError):
    """A recipient file that cannot be imported at all; nothing was stored."""

    code = "import_file_error"


class IllegalTransitionError(ConflictError):
    """A run lifecycle command that the run's current status does not allow."""

    code = "illegal_transition"


class UnauthenticatedError(JourneysError):
    """A request without valid credentials."""

    code = "unauthenticated"


class ForbiddenError(JourneysError):
    """Valid credentials whose role does not allow the request."""

    code = "forbidden"


class SignInLinkError(UnauthenticatedError):
    """A one-time sign-in link that is unknown, or that has expired or been used (`gone`)."""

    code = "sign_in_link_invalid"

    def __init__(self, message: str, *, gone: bool) -> None:
        super().__init__(message)
        self.gone = gone


class PayloadTooLargeError(JourneysError):
    """A request body larger than the server accepts."""

    code = "payload_too_large"
