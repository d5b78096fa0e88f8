"""The language cookie is guarded like the session cookie: SameSite=Lax, HttpOnly, Secure."""

from django.conf import settings
from django.test import Client, override_settings


def _choose_english(client: Client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    return response.cookies[settings.LANGUAGE_COOKIE_NAME]


def test_the_language_cookie_is_samesite_lax_and_out_of_javascripts_reach(db):
    cookie = _choose_english(Client())
    assert cookie.value == "en"
    assert cookie["samesite"] == "Lax"
    # No script of the site reads it (the switcher is a plain form).
    assert cookie["httponly"] is True


@override_settings(LANGUAGE_COOKIE_SECURE=True, SESSION_COOKIE_SECURE=True)
def test_the_language_cookie_is_secure_when_the_session_cookie_is(db):
    assert _choose_english(Client())["secure"] is True


def test_production_settings_make_the_language_cookie_secure_with_the_session_cookie(tmp_path):
    import secrets

    from benvung.core.tests.test_settings import _run

    production = {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "VAR_DIR": str(tmp_path),
    }
    assert "LANGUAGE_COOKIE_SECURE = True" in _run("diffsettings", **production).stdout
    unsecured = _run("diffsettings", **production, SECURE_COOKIES="0").stdout
    assert "LANGUAGE_COOKIE_SECURE" not in unsecured  # False, Django's default
