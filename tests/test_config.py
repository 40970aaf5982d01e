"""Settings: no insecure production start, development keeps a generated key, env overrides."""
import pytest

from colab import create_app


def test_production_refuses_to_start_without_a_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("COLAB_SECRET_KEY", raising=False)
    monkeypatch.delenv("COLAB_DEVELOPMENT", raising=False)
    with pytest.raises(RuntimeError, match="COLAB_SECRET_KEY"):
        create_app(instance_path=str(tmp_path))


def test_development_generates_one_key_and_keeps_it(tmp_path, monkeypatch):
    monkeypatch.setenv("COLAB_DEVELOPMENT", "1")
    first = create_app(instance_path=str(tmp_path)).config["SECRET_KEY"]
    second = create_app(instance_path=str(tmp_path)).config["SECRET_KEY"]
    assert first == second and len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_environment_and_instance_config_are_read(tmp_path, monkeypatch):
    (tmp_path / "config.py").write_text("PER_PAGE = 7\nPASSWORD_RESET_MAX_AGE = 60\n")
    monkeypatch.setenv("COLAB_SECRET_KEY", "from the environment")
    monkeypatch.setenv("COLAB_PASSWORD_RESET_MAX_AGE", "120")
    monkeypatch.setenv("COLAB_DATABASE_URL", "sqlite:///" + str(tmp_path / "x.sqlite"))
    config = create_app(instance_path=str(tmp_path)).config
    assert config["SECRET_KEY"] == "from the environment"
    assert config["PER_PAGE"] == 7 and config["PASSWORD_RESET_MAX_AGE"] == 120
    assert config["SQLALCHEMY_DATABASE_URI"].endswith("x.sqlite")


def test_production_cookies_are_https_only_and_development_ones_are_not(tmp_path, monkeypatch):
    monkeypatch.setenv("COLAB_SECRET_KEY", "a production key")
    assert create_app(instance_path=str(tmp_path)).config["SESSION_COOKIE_SECURE"] is True
    monkeypatch.setenv("COLAB_DEVELOPMENT", "1")
    assert create_app(instance_path=str(tmp_path)).config["SESSION_COOKIE_SECURE"] is False


def test_behind_a_proxy_the_learners_address_is_used(tmp_path, monkeypatch):
    monkeypatch.setenv("COLAB_SECRET_KEY", "a production key")
    monkeypatch.setenv("COLAB_PROXY_COUNT", "1")
    app = create_app({"SECURE_COOKIES": False}, instance_path=str(tmp_path))

    @app.get("/whoami")
    def whoami():
        from flask import request
        return request.remote_addr

    response = app.test_client().get("/whoami", headers={"X-Forwarded-For": "203.0.113.9"})
    assert response.get_data(as_text=True) == "203.0.113.9"
