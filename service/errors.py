"""The service's errors: a branch of gradegate's one error tree (gradegate.scoring.errors).

    GradegateError
     └── ServiceError
          ├── UnsafeSettings   the settings would start a service that is open, broken or unusable
          ├── UnknownRole      an API key asked for a role that does not exist
          └── Problem          an HTTP answer of the service's own (status, slug, title, detail, errors),
                               rendered as problem+json by the one handler in service/problems.py

Routes raise these (or the core's InputError / RuleDefinitionError); they never
build an error response themselves.
"""

from __future__ import annotations

from gradegate.scoring import GradegateError


class ServiceError(GradegateError):
    """Base of the service's own errors."""


class UnsafeSettings(ServiceError):
    """The settings would start a service that is open, broken or unusable."""


class UnknownRole(ServiceError):
    """A role name that is not one of service.roles.ROLES."""
