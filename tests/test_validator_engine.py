"""The validators' engine is pydantic-core's extension, loaded without its package: a later import of
pydantic (the user's, or pydantic's own) must see the usual package and the very same classes."""

from __future__ import annotations

from helpers import extension_registers_itself, fresh_python

FIRST_USE = (
    "import sys, boto3\n"
    "from pytest_chime_proxy import ChimeProxyMock\n"
    "from pytest_chime_proxy.core.wire.validator_engine import engine\n"
    "with ChimeProxyMock() as mock:\n"
    "    vc = mock.create_voice_connector()\n"
    "    client = boto3.client('chime-sdk-voice', region_name='us-east-1')\n"
    "    try:\n"
    "        client.create_proxy_session(VoiceConnectorId=vc, Capabilities=['Fax'],\n"
    "                                    ParticipantPhoneNumbers=['+14015550101', '+12065550100'])\n"
    "    except client.exceptions.BadRequestException as error:\n"
    "        print(error.response['Error']['Message'][:30])\n"
)


def test_a_later_pydantic_import_is_the_usual_one_with_the_same_classes() -> None:
    rejected, before, *after = fresh_python(
        FIRST_USE + "print(sorted(m for m in sys.modules if m.startswith('pydantic')))\n"
        "import pydantic, pydantic_core\n"
        "from pydantic_core import _pydantic_core\n"
        "print(pydantic_core._pydantic_core.SchemaValidator is engine().SchemaValidator,\n"
        "      pydantic_core.ValidationError is engine().ValidationError, _pydantic_core.__name__)\n"
        "class Model(pydantic.BaseModel):\n"
        "    size: int\n"
        "try:\n"
        "    Model(size='many')\n"
        "except pydantic.ValidationError as error:\n"
        "    print(error.errors()[0]['type'])\n"
        "try:\n"
        "    engine().SchemaValidator({'type': 'int', 'strict': True}).validate_python('1')\n"
        "except pydantic_core.ValidationError as error:\n"
        "    print(error.errors()[0]['type'])\n"
    )
    assert rejected == "1 validation error detected: V"  # validated, in the service's words
    if extension_registers_itself():  # older pydantic-core: the package is imported as usual
        assert before == "['pydantic_core', 'pydantic_core._pydantic_core', 'pydantic_core.core_schema']"
    else:
        assert before == "[]"  # neither the package nor its extension left in sys.modules
    assert after == ["True True pydantic_core._pydantic_core", "int_parsing", "int_type"]


def test_pydantic_imported_first_is_the_engine() -> None:
    out = fresh_python(
        "import pydantic_core\n" + FIRST_USE + "print(engine() is sys.modules['pydantic_core._pydantic_core'])\n"
    )
    assert out == ["1 validation error detected: V", "True"]


def test_an_extension_not_found_beside_its_package_falls_back_to_the_package() -> None:
    out = fresh_python(
        "from pytest_chime_proxy.core.wire import validator_engine\n"
        "validator_engine._extension_spec = lambda: None\n"
        + FIRST_USE
        + "print('pydantic_core' in sys.modules, engine() is sys.modules['pydantic_core._pydantic_core'])\n"
    )
    assert out == ["1 validation error detected: V", "True True"]


def test_threads_asking_at_once_get_one_engine() -> None:
    out = fresh_python(
        "import threading\n"
        "from pytest_chime_proxy.core.wire.validator_engine import engine\n"
        "barrier = threading.Barrier(8)\n"
        "got = []\n"
        "def ask():\n"
        "    barrier.wait()\n"
        "    got.append(engine())\n"
        "workers = [threading.Thread(target=ask) for _ in range(8)]\n"
        "[w.start() for w in workers]; [w.join() for w in workers]\n"
        "print(len(got), len(set(map(id, got))))\n"
    )
    assert out == ["8 1"]


def test_an_import_of_the_extension_by_another_thread_meanwhile_is_left_alone() -> None:
    """Another thread's ``import pydantic_core`` may put the extension in ``sys.modules`` while the engine
    loads it: that entry is the import system's and stays (taking it out broke such an import midway)."""
    out = fresh_python(
        "import sys\n"
        "from pytest_chime_proxy.core.wire import validator_engine\n"
        "find = validator_engine._extension_spec\n"
        "theirs = type(sys)('pydantic_core._pydantic_core')\n"
        "def found_while_another_thread_imports_it():\n"
        "    spec = find()\n"
        "    load = spec.loader.exec_module\n"
        "    def exec_module(module):\n"
        "        sys.modules[validator_engine.EXTENSION] = theirs\n"
        "        load(module)\n"
        "    spec.loader.exec_module = exec_module\n"
        "    return spec\n"
        "validator_engine._extension_spec = found_while_another_thread_imports_it\n"
        "engine = validator_engine.engine()\n"
        "print(sys.modules.get(validator_engine.EXTENSION) is theirs, engine is not theirs)\n"
    )
    assert out == ["True True"]
