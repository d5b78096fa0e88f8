"""Accounts: e-mail sign-in, one organisation and one or more roles per user, invitations."""

from __future__ import annotations

import hashlib
from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import roles


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(
        self,
        email: str,
        password: str | None = None,
        *,
        role: str | None = None,
        granted_by: User | None = None,
        **extra: Any,
    ) -> User:
        """`role`: the first role granted (more can be granted later, see RoleGrant)."""
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        if role:
            RoleGrant.objects.using(self._db).create(user=user, role=role, granted_by=granted_by)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, role=roles.SYSTEM_ADMIN, **extra)

    def with_role(self, key: str) -> models.QuerySet[User]:
        """Users holding this role (among others)."""
        return self.filter(role_grants__role=key).distinct()

    def get_by_natural_key(self, username: str | None) -> User:
        # Sign-in is case-insensitive on the e-mail address.
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    organisation = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="users",
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_demo = models.BooleanField(_("demo account"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["full_name", "organisation"]

    class Meta:
        ordering = ["full_name", "email"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            # Sign-in ignores case, so two addresses differing only in case would be one person.
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>" if self.full_name else self.email

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split()[-1] if self.full_name else self.email

    @property
    def roles(self) -> frozenset[str]:
        """The keys of the roles this user holds (read once per instance; a prefetch of
        `role_grants` is used when there is one)."""
        cached: frozenset[str] | None = self.__dict__.get("_role_keys")
        if cached is None:
            cached = (
                frozenset(grant.role for grant in self.role_grants.all())
                if self.pk is not None
                else frozenset()
            )
            self.__dict__["_role_keys"] = cached
        return cached

    def has_role(self, *keys: str) -> bool:
        """Holds at least one of these roles."""
        return not self.roles.isdisjoint(keys)

    def forget_roles(self) -> None:
        """After a grant changes: the next read of `roles` asks the database again."""
        self.__dict__.pop("_role_keys", None)
        prefetched = getattr(self, "_prefetched_objects_cache", None)
        if prefetched:
            prefetched.pop("role_grants", None)

    @property
    def role_list(self) -> list[str]:
        """The role keys from the highest rank down."""
        return roles.ordered(self.roles)

    def get_roles_display(self) -> str:
        return ", ".join(str(roles.label(key)) for key in self.role_list)

    @property
    def is_staff(self) -> bool:
        # Django admin is for system administrators only.
        return self.is_active and self.has_role(roles.SYSTEM_ADMIN)

    @property
    def is_coordinator(self) -> bool:
        return self.has_role(roles.COORDINATOR, roles.SYSTEM_ADMIN)


class RoleGrant(models.Model):
    """One role held by one user. A user may hold several (what each allows adds up)."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="role_grants"
    )
    # Choices come from the role registry, so an app that adds a role needs no migration here.
    role = models.CharField(_("role"), max_length=40, choices=roles.choices)
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)
    granted_by = models.ForeignKey(
        User,
        verbose_name=_("granted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["user", "granted_at", "role"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["user", "role"], name="accounts_rolegrant_unique"),
        ]
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")

    def __str__(self) -> str:
        return f"{self.user.email}: {roles.label(self.role)}"


class Invitation(models.Model):
    """A one-time link e-mailed to a new user; only a hash of its token is stored."""

    email = models.EmailField(_("e-mail"))
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    organisation = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    # The one role the new user is granted on accepting.
    role = models.CharField(_("role"), max_length=40, choices=roles.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="invitations_sent"
    )
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @property
    def state(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"

    def get_state_display(self) -> str | Promise:
        return {
            "accepted": _("accepted"),
            "revoked": _("revoked"),
            "expired": _("expired"),
            "pending": _("pending"),
        }[self.state]
