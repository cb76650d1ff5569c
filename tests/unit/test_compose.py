"""docker-compose.yml, its scripts, ``.env.example`` and the Dockerfile, checked against the code.

Nothing here runs Docker (there is none on CI): the files are parsed and compared with what the
code says — the services and their settings classes, the topics, the databases — so a setting
renamed in a settings class, a topic added to the contracts or an image left unpinned fails here
instead of on a user's machine.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from lienthong.contracts.services import (
    AGENCIES,
    INSURANCE,
    POPULATION,
    SERVICE_NAMES,
    SERVICES,
    service_info,
)
from lienthong.contracts.topics import ALL_TOPICS
from lienthong.runtime.settings import ServiceSettings
from services.registry import service_entry

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
CLUSTER_ENV = ROOT / "docker" / "kafka-cluster.env"
DOCKERFILE = ROOT / "Dockerfile"

KAFKA_IMAGE = "apache/kafka"
POSTGRES_IMAGE = "postgres"
KAFKA_PORT = 9092
CONTROLLER_PORT = 9093

_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}")
"""Compose's ``${NAME}``, ``${NAME:-default}``, ``${NAME-default}``, ``${NAME:?error}``..."""
_ENV_LINE = re.compile(r"^(#\s?)?([A-Z][A-Z0-9_]*)=(.*)$")
"""A ``NAME=value`` line of an env file, or a commented-out one (``# NAME=value``)."""


# --- reading the files ------------------------------------------------------------------------


def _mapping(value: object, what: str) -> dict[str, Any]:
    assert isinstance(value, dict), f"{what} is not a mapping: {value!r}"
    return {str(key): item for key, item in value.items()}


@cache
def _compose() -> dict[str, Any]:
    return _mapping(yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8")), "docker-compose.yml")


def _services() -> dict[str, dict[str, Any]]:
    services = _mapping(_compose().get("services"), "services")
    return {name: _mapping(body, f"service {name}") for name, body in services.items()}


def _argv(command: object) -> list[str]:
    """A command in compose's list form or string form, as the argument list it runs."""
    if isinstance(command, str):
        return shlex.split(command)
    if isinstance(command, list):
        return [str(part) for part in command]
    return []


def _served_name(service: Mapping[str, Any]) -> str | None:
    """NAME when the service runs ``lienthong serve NAME``."""
    argv = _argv(service.get("command"))
    if argv[:2] == ["lienthong", "serve"] and len(argv) == 3:
        return argv[2]
    return None


def _lienthong_services() -> dict[str, dict[str, Any]]:
    """The compose services that run a lienthong service, by the lienthong service's name."""
    found: dict[str, dict[str, Any]] = {}
    for body in _services().values():
        name = _served_name(body)
        if name is not None:
            assert name not in found, f"two compose services run `lienthong serve {name}`"
            found[name] = body
    return found


def _environment(service: Mapping[str, Any]) -> dict[str, str | None]:
    """The service's environment; ``None`` is a variable passed through from .env or the shell."""
    raw = service.get("environment") or {}
    if isinstance(raw, list):
        pairs = [str(item).partition("=") for item in raw]
        return {key: (value if sep else None) for key, sep, value in pairs}
    return {
        key: None if value is None else str(value) for key, value in _mapping(raw, "env").items()
    }


def _env_file(path: Path) -> dict[str, str]:
    """The ``NAME=value`` lines of an env file (commented-out ones left out)."""
    values: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _ENV_LINE.match(line)
        if match and not match.group(1):
            assert match.group(2) not in values, f"{path.name} sets {match.group(2)} twice"
            values[match.group(2)] = match.group(3)
    return values


def _documented_names(path: Path) -> set[str]:
    """Every name an env file documents, set or commented out."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return {match.group(2) for line in lines if (match := _ENV_LINE.match(line))}


def _resolve(text: str, env: Mapping[str, str] | None = None) -> str:
    """*text* with compose's variables replaced as compose would, from *env* (default: none)."""
    given = env or {}

    def one(match: re.Match[str]) -> str:
        name, operator, argument = match.group(1), match.group(2) or "", match.group(3) or ""
        value = given.get(name)
        if operator in (":-", "-"):
            return argument if value is None or (operator == ":-" and not value) else value
        assert value is not None or operator == "", f"${{{name}}} has no value and no default"
        return value or ""

    escaped = "\0"  # compose's $$ is a literal $, never a variable
    return _VARIABLE.sub(one, text.replace("$$", escaped)).replace(escaped, "$")


def _strings(node: object) -> Iterator[str]:
    """Every string value of a YAML tree (keys excluded)."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)


def _compose_variables() -> dict[str, str | None]:
    """Every variable the compose file interpolates, with its ``:-`` default (None: none)."""
    found: dict[str, str | None] = {}
    for text in _strings(_compose()):
        for match in _VARIABLE.finditer(text.replace("$$", "")):
            default = match.group(3) if match.group(2) in (":-", "-") else None
            previous = found.setdefault(match.group(1), default)
            assert previous == default, f"${{{match.group(1)}}} has two defaults in compose"
    return found


def _settings_names(name: str) -> set[str]:
    """The environment names of the fields of service *name*'s settings class."""
    return {field.upper() for field in service_entry(name).settings_class.model_fields}


def _own_delay(name: str) -> str:
    """The variable only service *name* reads its processing delay from (settings.py)."""
    return f"{name.upper()}_PROCESSING_DELAY"


def _readable_names(name: str) -> set[str]:
    """Every variable service *name* reads: its fields, the peers' URLs, its own delay."""
    return _settings_names(name) | {info.url_env for info in SERVICES} | {_own_delay(name)}


def _one_shot(name: str) -> bool:
    """A job others wait to *complete* (not a server they wait to be healthy)."""
    for body in _services().values():
        for dependency, condition in _dependencies(body).items():
            if (
                dependency == name
                and condition.get("condition") == "service_completed_successfully"
            ):
                return True
    return False


def _dependencies(service: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    raw = service.get("depends_on") or {}
    assert isinstance(raw, dict), f"depends_on in short form gives no condition: {raw!r}"
    return {str(name): _mapping(body, f"depends_on {name}") for name, body in raw.items()}


def _kafka_nodes() -> dict[str, dict[str, str | None]]:
    """The Kafka brokers of the compose file (not the topic job), by compose service name."""
    return {
        name: _environment(body)
        for name, body in _services().items()
        if str(body.get("image", "")).startswith(f"{KAFKA_IMAGE}:") and not _one_shot(name)
    }


def _pinned(image: str) -> bool:
    """``repo:tag`` written out, with a tag that names a version (a digit in it), not latest."""
    repository, colon, tag = image.rpartition(":")
    written = bool(colon and repository) and "/" not in tag and "$" not in image
    return written and tag != "latest" and re.search(r"\d", tag) is not None


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No variable any service reads is set, so settings see only what a test gives them."""
    for name in SERVICE_NAMES:
        for variable in _readable_names(name):
            monkeypatch.delenv(variable, raising=False)
    return monkeypatch


# --- the services -----------------------------------------------------------------------------


def test_the_four_services_each_run_lienthong_serve_under_their_own_name() -> None:
    served = _lienthong_services()
    assert sorted(served) == sorted(SERVICE_NAMES)
    for compose_name, body in _services().items():
        name = _served_name(body)
        if name is not None:
            # Peers reach a service by its compose name: it must be the service's own.
            assert compose_name == name, f"compose service {compose_name} runs {name}"


def test_every_variable_a_service_gets_is_one_its_settings_read() -> None:
    """Its settings class's fields, the peers' ``<SERVICE>_URL`` and its own
    ``<SERVICE>_PROCESSING_DELAY``: anything else (a typo, a removed setting) is ignored by the
    service (``extra="ignore"``) and would silently configure nothing."""
    for name, body in _lienthong_services().items():
        unknown = set(_environment(body)) - _readable_names(name)
        assert not unknown, f"{name} gets variables no setting of it reads: {sorted(unknown)}"


def test_every_setting_of_a_service_reaches_it_from_compose() -> None:
    """Set by compose or passed through from .env: a new setting needs a line in both files."""
    for name, body in _lienthong_services().items():
        environment = _environment(body)
        missing = _settings_names(name) - set(environment)
        assert not missing, f"{name}: settings compose does not pass: {sorted(missing)}"
        assert _own_delay(name) in environment, f"{name}: {_own_delay(name)} not passed"


def test_compose_sets_where_each_service_listens_and_finds_the_others() -> None:
    for name, body in _lienthong_services().items():
        environment = _environment(body)
        assert environment["HOST"] == "0.0.0.0", name
        assert environment["PORT"] == str(service_info(name).default_port), name
        for info in SERVICES:
            # By compose service name, which Docker's DNS answers for every replica.
            assert environment[info.url_env] == f"http://{info.name}:{info.default_port}", name


def test_each_service_s_database_url_names_its_own_postgres_database() -> None:
    for name, body in _lienthong_services().items():
        url = urlsplit(_resolve(str(_environment(body)["DATABASE_URL"])))
        assert url.scheme == "postgresql+asyncpg", name
        assert (url.hostname, url.port) == ("postgres", 5432), name
        assert url.path == f"/{name}", f"{name} uses database {url.path[1:]!r}"
        assert url.username and url.password, f"{name}: no user or password in DATABASE_URL"


def test_the_databases_created_are_exactly_the_services() -> None:
    postgres = _services()["postgres"]
    created = str(_environment(postgres)["LIENTHONG_DATABASES"]).split()
    assert sorted(created) == sorted(SERVICE_NAMES) and len(set(created)) == len(created)
    scripts = [
        ROOT / str(volume).split(":")[0]
        for volume in postgres.get("volumes") or []
        if ":/docker-entrypoint-initdb.d/" in str(volume)
    ]
    assert len(scripts) == 1 and scripts[0].is_file(), "no init script creates the databases"
    assert "LIENTHONG_DATABASES" in scripts[0].read_text(encoding="utf-8")
    # The services log in as the user the image creates, with its password.
    for body in _lienthong_services().values():
        url = urlsplit(_resolve(str(_environment(body)["DATABASE_URL"])))
        postgres_env = _environment(postgres)
        assert url.username == _resolve(str(postgres_env["POSTGRES_USER"]))
        assert url.password == _resolve(str(postgres_env["POSTGRES_PASSWORD"]))


def test_population_and_insurance_generate_the_same_people_from_the_run_s_seed() -> None:
    services = _lienthong_services()
    for variable, names in (
        ("SEED_CITIZENS", (POPULATION, INSURANCE)),
        ("SEED_RANDOM_SEED", (POPULATION, INSURANCE)),
        ("RUN_SEED", SERVICE_NAMES),
    ):
        values = {_environment(services[name]).get(variable, "missing") for name in names}
        assert len(values) == 1 and "missing" not in values, f"{variable}: {values}"


def test_the_environment_compose_gives_each_service_is_valid_for_its_settings(
    clean_environment: pytest.MonkeyPatch,
) -> None:
    for name, body in _lienthong_services().items():
        with clean_environment.context() as patch:
            for variable, value in _environment(body).items():
                if value is not None:
                    patch.setenv(variable, _resolve(value))
            settings = service_entry(name).settings_class()
            peers = settings.peer_urls()  # read from the environment when asked
        assert settings.host == "0.0.0.0"
        assert settings.port == service_info(name).default_port
        assert settings.database_url.endswith(f"@postgres:5432/{name}")
        assert settings.kafka_bootstrap_servers == f"kafka:{KAFKA_PORT}"
        assert peers == {info.name: f"http://{info.name}:{info.default_port}" for info in SERVICES}


# --- health and start order -------------------------------------------------------------------


def test_every_server_has_a_healthcheck_and_every_job_says_it_has_none() -> None:
    for name, body in _services().items():
        check = _mapping(body.get("healthcheck"), f"{name}'s healthcheck")
        if _one_shot(name):
            assert check.get("disable") is True, f"{name} is a job: healthcheck disable: true"
        else:
            assert not check.get("disable") and _argv(check.get("test")), f"{name}: no check"
    for name, body in _lienthong_services().items():
        test = " ".join(_argv(_mapping(body["healthcheck"], name)["test"]))
        assert "/health" in test and "PORT" in test, f"{name} is not checked on GET /health"
        assert "curl" not in test, "no curl in a slim image"


def test_services_start_once_kafka_and_postgres_are_healthy_and_the_topics_exist() -> None:
    for name, body in _lienthong_services().items():
        dependencies = _dependencies(body)
        assert dependencies["kafka"]["condition"] == "service_healthy", name
        assert dependencies["postgres"]["condition"] == "service_healthy", name
        jobs = [job for job in dependencies if _one_shot(job)]
        assert jobs and all(
            dependencies[job]["condition"] == "service_completed_successfully" for job in jobs
        ), f"{name} does not wait for the topics"


def test_every_dependency_waits_on_the_right_condition() -> None:
    services = _services()
    for name, body in services.items():
        for dependency, spec in _dependencies(body).items():
            assert dependency in services, f"{name} depends on unknown {dependency}"
            if _one_shot(dependency):
                expected = "service_completed_successfully"
            else:
                expected = "service_healthy"
            assert spec.get("condition") == expected, f"{name} → {dependency}"
            if services[dependency].get("profiles"):
                # A dependency that only a profile starts must not stop the default start.
                assert spec.get("required") is False, f"{name} → {dependency} needs a profile"


# --- images -----------------------------------------------------------------------------------


def test_every_image_is_pinned_to_a_version() -> None:
    for name, body in _services().items():
        image = body.get("image")
        assert isinstance(image, str), f"{name} has no image name (a build must be tagged too)"
        assert _pinned(image), f"{name}: {image!r} is not pinned to a version"
    images = {str(body["image"]).rpartition(":")[0] for body in _services().values()}
    assert {KAFKA_IMAGE, POSTGRES_IMAGE} <= images


def test_the_lienthong_services_share_one_image_built_from_the_dockerfile() -> None:
    bodies = list(_lienthong_services().values())
    assert len({body["image"] for body in bodies}) == 1
    for body in bodies:
        build = body.get("build")
        context = build.get("context", ".") if isinstance(build, dict) else build
        assert (ROOT / str(context) / "Dockerfile").resolve() == DOCKERFILE


def test_the_dockerfile_builds_a_slim_pinned_non_root_image_without_dev_extras() -> None:
    text = DOCKERFILE.read_text(encoding="utf-8")
    lines = [line.strip() for line in text.splitlines() if not line.lstrip().startswith("#")]
    arguments = dict(
        line.split(None, 1)[1].split("=", 1)
        for line in lines
        if line.startswith("ARG ") and "=" in line
    )
    bases = [
        re.sub(r"\$\{?(\w+)\}?", lambda m: arguments.get(m.group(1), m.group(0)), line.split()[1])
        for line in lines
        if line.startswith("FROM ")
    ]
    assert bases and all(_pinned(base) for base in bases), bases
    assert all(re.fullmatch(r"python:3\.11\.\d+-slim(-\w+)?", base) for base in bases), bases
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0"), "the services must not run as root"
    installs = [line for line in lines if "pip install" in line]
    assert installs and all(re.search(r"pip install \.$", line) for line in installs), installs
    # Each service listens on the PORT compose gives it; a PORT baked in would hide a missing one.
    assert not any(re.search(r"\bPORT=", line) for line in lines)


# --- Kafka ------------------------------------------------------------------------------------


def test_the_topic_job_creates_exactly_the_contract_topics() -> None:
    jobs = {
        name: _argv(body.get("command"))
        for name, body in _services().items()
        if any(part.endswith("create-topics.sh") for part in _argv(body.get("command")))
    }
    assert len(jobs) == 1, f"one job creates the topics, not {sorted(jobs)}"
    ((name, argv),) = jobs.items()
    assert _one_shot(name), f"{name} must be a job the services wait for"
    script_at = next(i for i, part in enumerate(argv) if part.endswith("create-topics.sh"))
    topics = argv[script_at + 1 :]
    assert sorted(topics) == sorted(ALL_TOPICS) and len(set(topics)) == len(topics), topics
    mounted = [
        ROOT / str(volume).split(":")[0]
        for volume in _services()[name].get("volumes") or []
        if str(volume).split(":")[1] == argv[script_at]
    ]
    assert len(mounted) == 1 and mounted[0].is_file()
    script = mounted[0].read_text(encoding="utf-8")
    assert "kafka-topics.sh" in script and "--create --if-not-exists" in script


def test_topics_get_the_partition_count_the_services_use() -> None:
    job = next(name for name in _services() if _one_shot(name))
    partitions = _resolve(str(_environment(_services()[job])["PARTITIONS"]))
    assert partitions == str(ServiceSettings.model_fields["kafka_topic_partitions"].default)
    for name, body in _lienthong_services().items():
        environment = _environment(body)
        assert _resolve(str(environment["KAFKA_TOPIC_PARTITIONS"])) == partitions, name
        assert (
            environment["KAFKA_TOPIC_PARTITIONS"] == _environment(_services()[job])["PARTITIONS"]
        ), f"{name} and the topic job read different variables"


def test_everyone_finds_kafka_through_one_variable() -> None:
    bootstrap = {
        name: value
        for name, body in _services().items()
        for key, value in _environment(body).items()
        if key
        in ("KAFKA_BOOTSTRAP_SERVERS", "BOOTSTRAP_SERVERS", "KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS")
    }
    assert set(_lienthong_services()) <= set(bootstrap)
    assert len(set(bootstrap.values())) == 1, bootstrap
    assert _resolve(str(next(iter(bootstrap.values())))) == f"kafka:{KAFKA_PORT}"


def _brokers(env: Mapping[str, str], profiles: set[str]) -> dict[str, dict[str, str]]:
    """The Kafka nodes started with *profiles* on, their environment resolved from *env*."""
    return {
        name: {key: _resolve(str(value), env) for key, value in node.items() if value is not None}
        for name, node in _kafka_nodes().items()
        if not _services()[name].get("profiles") or profiles & set(_services()[name]["profiles"])
    }


@pytest.mark.parametrize(
    ("env_file", "brokers", "replication", "min_isr"),
    [(None, 1, "1", "1"), (CLUSTER_ENV, 3, "3", "2")],
    ids=["single-node", "kafka-cluster"],
)
def test_each_kafka_mode_is_one_consistent_cluster(
    env_file: Path | None, brokers: int, replication: str, min_isr: str
) -> None:
    env = _env_file(env_file) if env_file else {}
    profiles = set(env.get("COMPOSE_PROFILES", "").split(",")) - {""}
    nodes = _brokers(env, profiles)
    assert len(nodes) == brokers
    ids = {name: node["KAFKA_NODE_ID"] for name, node in nodes.items()}
    assert len(set(ids.values())) == len(ids), "two brokers share a node id"
    voters = {f"{ids[name]}@{name}:{CONTROLLER_PORT}" for name in nodes}
    bootstrap = {f"{name}:{KAFKA_PORT}" for name in nodes}
    for name, node in nodes.items():
        assert set(node["KAFKA_CONTROLLER_QUORUM_VOTERS"].split(",")) == voters, name
        assert node["KAFKA_ADVERTISED_LISTENERS"] == f"PLAINTEXT://{name}:{KAFKA_PORT}", name
        assert node["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"] == replication, name
        assert node["KAFKA_MIN_INSYNC_REPLICAS"] == min_isr, name
    assert len({node["CLUSTER_ID"] for node in nodes.values()}) == 1, "one cluster id"
    for name, body in _lienthong_services().items():
        servers = _resolve(str(_environment(body)["KAFKA_BOOTSTRAP_SERVERS"]), env)
        assert set(servers.split(",")) == bootstrap, name
    job = next(name for name in _services() if _one_shot(name))
    job_env = {k: _resolve(str(v), env) for k, v in _environment(_services()[job]).items() if v}
    assert (job_env["REPLICATION_FACTOR"], job_env["MIN_INSYNC_REPLICAS"]) == (replication, min_isr)
    for name in nodes:  # the job waits for every broker of the mode before it counts them
        assert name in _dependencies(_services()[job]), f"the topic job does not wait for {name}"


def test_kafka_ui_is_an_optional_profile() -> None:
    ui = [name for name, body in _services().items() if "kafka-ui" in (body.get("profiles") or [])]
    assert len(ui) == 1


# --- scaling ----------------------------------------------------------------------------------


def test_no_service_has_a_container_name_and_only_the_gateway_is_published() -> None:
    for name, body in _services().items():
        assert "container_name" not in body, f"{name}: a container name forbids --scale"
    for name, body in _lienthong_services().items():
        ports = [str(port) for port in body.get("ports") or []]
        if name in AGENCIES:
            assert not ports, f"{name} can be scaled: no host port"
        else:
            assert ports and all(port.endswith(":8000") for port in ports), ports


# --- .env.example -----------------------------------------------------------------------------


def test_env_example_documents_every_setting_of_every_service() -> None:
    documented = _documented_names(ENV_EXAMPLE)
    for name in SERVICE_NAMES:
        missing = _readable_names(name) - documented
        assert not missing, f".env.example does not mention {name}'s {sorted(missing)}"


def test_env_example_documents_every_variable_of_the_compose_file() -> None:
    values = _env_file(ENV_EXAMPLE)
    for variable, default in _compose_variables().items():
        assert variable in values, f".env.example does not set {variable}"
        assert default is None or values[variable] == default, (
            f"{variable}: .env.example says {values[variable]!r}, compose's default {default!r}"
        )
    for variable in _env_file(CLUSTER_ENV):
        assert variable in _compose_variables() or variable == "COMPOSE_PROFILES", variable
        assert variable in _documented_names(ENV_EXAMPLE), variable


def test_env_example_gives_each_passed_through_setting_the_code_s_default(
    clean_environment: pytest.MonkeyPatch,
) -> None:
    """What .env.example says a setting defaults to is what the service does when it is unset."""
    values = _env_file(ENV_EXAMPLE)
    unused = set(values) - set(_compose_variables())
    for name, body in _lienthong_services().items():
        settings_class = service_entry(name).settings_class
        for variable, value in _environment(body).items():
            field = variable.lower()
            if value is not None or field not in settings_class.model_fields:
                continue
            default = settings_class.model_fields[field].default
            if variable not in values:
                assert default is None, f".env.example leaves {variable} unset, default {default}"
                continue
            unused.discard(variable)
            with clean_environment.context() as patch:
                patch.setenv(variable, values[variable])
                configured = getattr(settings_class(), field)
            assert configured == default, f"{variable}={values[variable]} but {name} has {default}"
    assert not unused, f".env.example sets what nothing reads: {sorted(unused)}"
