"""Imports run one way, downwards: the layers of planner/ and the check that keeps them.

STYLE.md, "Who may touch what": base <- models <- pure logic <- operations <- forms <- web
and API edges. A base module never imports a domain, a blueprint never imports another
blueprint, a lower domain never calls a higher one, and nothing imports inside a function
to get round a loop. The README's Layout section draws LAYERS and DOMAINS below;
test_the_readme_draws_these_layers keeps the picture and the contract the same.
"""

import ast
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"

# Lowest first. A module imports from its own layer and the layers below, never above.
# A name is a path under planner/ without ".py"; a package is its folder ("calendars/mail"),
# the application package itself is "planner"; "*" stands for one folder name. A name
# written out beats a "*" pattern.
LAYERS = (
    (
        "base",
        (
            "config",
            "extensions",
            "types",
            "clock",
            "timefmt",
            "visit_days",
            "bidi",
            "rules",
            "names",
            "database",
            "i18n",
            "queue",
            "logs",
        ),
    ),
    (
        "models",
        (
            "models",
            "*/models",
            "audit/trail",
            "accounts/passwords",
            "itinerary/kinds",
            "*/queries",
            "outcomes/overdue",
            "reports/figures",
        ),
    ),
    (
        "logic",
        (
            "itinerary/messages",
            "itinerary/findings",
            "itinerary/checks",
            "itinerary/snapshot",
            "itinerary/programme",
            "calendars/ics",
            "calendars/events",
            "calendars/tokens",
            "calendars/versions",
            "calendars/rendered",
            "calendars/mail/plans",
            "calendars/mail/letters",
            "programmes/timeline",
            "programmes/kept",
            "programmes/guest_copy",
            "partnerships/timeline",
            "partnerships/return_visit",
            "reports/charts",
            "reports/export",
            "audit/readable",
        ),
    ),
    (
        "operations",
        (
            "*/operations",
            "accounts/api_tokens",
            "outcomes/documents",
            "calendars/feeds",
            "calendars/mail/outbox",
            "calendars/mail/tasks",
            "calendars/mail/inbox",
            "calendars/replies",
            "outcomes/digest",
            "calendars/mail",
            "demo",
            "demo_outcomes",
            "backups",
        ),
    ),
    ("forms", ("forms", "*/forms")),
    (
        "web",
        (
            "web",
            "params",
            "security",
            "new_entries",
            "calendars/answers",
            "api/common",
            "api/problems",
        ),
    ),
    ("blueprints", ("*/views", "calendars/mail_views", "calendars/fastpath", "api/*", "health")),
    ("app", ("planner", "api", "errors", "cli", "worker", "serving")),
)

# Where two domains meet in one layer, the higher imports the lower, never the reverse:
# calendars/models reads visits/models; visits never calls calendars, it records what it
# wants sent (a queued letter). Lowest first. Across layers the layers decide.
DOMAINS = (
    "audit",
    "accounts",
    "organizations",
    "people",
    "venues",
    "visits",
    "itinerary",
    "calendars",
    "programmes",
    "partnerships",
    "outcomes",
    "reports",
    "api",
)

# Blueprints (pages and API resources) never import one another: what two of them share
# lives in a web module (planner/web.py, planner/api/common.py).
BLUEPRINTS = "blueprints"

# Modules that may import planner modules inside a function, and why. Anywhere else such an
# import hides a loop: the layers are wrong, and the code should move instead.
LATE_IMPORTS = {
    "planner": "create_app imports the blueprints it registers, so that importing "
    "planner.extensions (or any domain) does not load every page",
    # The queue (planner/queue.py) imports Huey, and Huey redis and psycopg: 15 MB that a web
    # worker loads only when it first needs the queue, not when it starts.
    "web": "a letter is handed to the queue once the request commits",
    "health": "/healthz asks the queue whether it answers",
    "cli": "`flask worker` runs the queue's worker",
}


BY_NAME = "<a module named at run time>"


@dataclass(frozen=True)
class Import:
    importer: str
    imported: str
    line: int
    late: bool  # inside a function: runs when called, not when the module loads


def module_name(path: Path, package: Path) -> str:
    parts = list(path.relative_to(package).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return "/".join(parts) or "planner"


def dotted_to_name(dotted: str) -> str | None:
    """planner.calendars.mail -> calendars/mail; planner -> planner; elsewhere -> None."""
    parts = dotted.split(".")
    if parts[0] != "planner":
        return None
    return "/".join(parts[1:]) or "planner"


def read_imports(package: Path) -> dict[str, list[Import]]:
    """Every module of the package (a folder named planner) and the planner modules it imports."""
    paths = {module_name(path, package): path for path in sorted(package.rglob("*.py"))}
    graph = {}
    for name, path in paths.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        graph[name] = list(_imports(name, tree, is_package, set(paths)))
    return graph


def _imports(name: str, tree: ast.AST, is_package: bool, modules: set[str]):
    here = ["planner", *name.split("/")] if name != "planner" else ["planner"]
    if not is_package:
        here = here[:-1]

    def visit(node: ast.AST, late: bool):
        for child in ast.iter_child_nodes(node):
            if _type_checking_only(child):
                continue  # read by the type checker alone: nothing imports it when the app runs
            inside = late or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.Call) and _imports_by_name(child):
                yield Import(name, BY_NAME, child.lineno, late)
            elif isinstance(child, ast.Import):
                for alias in child.names:
                    target = dotted_to_name(alias.name)
                    if target in modules:
                        yield Import(name, target, child.lineno, late)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    prefix = here[: len(here) - child.level + 1]
                    base = ".".join([*prefix, base] if base else prefix)
                target = dotted_to_name(base)
                if target is None:
                    continue
                for alias in child.names:
                    # from planner.calendars import mail: the module calendars/mail
                    submodule = f"{target}/{alias.name}" if target != "planner" else alias.name
                    found = submodule if submodule in modules else target
                    if found in modules:
                        yield Import(name, found, child.lineno, late)
            yield from visit(child, inside)

    yield from visit(tree, False)


def _type_checking_only(node: ast.AST) -> bool:
    """`if TYPE_CHECKING:`, the names a two-way relationship's annotation needs."""
    return (
        isinstance(node, ast.If)
        and isinstance(node.test, ast.Name | ast.Attribute)
        and ast.unparse(node.test) in {"TYPE_CHECKING", "typing.TYPE_CHECKING"}
        and not node.orelse
    )


def _imports_by_name(call: ast.Call) -> bool:
    """importlib.import_module(...) or __import__(...): an import this check cannot follow."""
    function = call.func
    called = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
    return called in {"import_module", "__import__"}


def _pattern(name: str) -> re.Pattern:
    return re.compile(
        "/".join("[^/]+" if part == "*" else re.escape(part) for part in name.split("/"))
    )


def classify(names, layers=LAYERS) -> dict[str, int]:
    """Module -> index of its layer in `layers`; a module in no layer is left out."""
    exact = {name: index for index, (_, members) in enumerate(layers) for name in members}
    patterns = [
        (_pattern(name), index)
        for index, (_, members) in enumerate(layers)
        for name in members
        if "*" in name
    ]
    found = {}
    for module in names:
        if module in exact:
            found[module] = exact[module]
            continue
        matches = {index for pattern, index in patterns if pattern.fullmatch(module)}
        if len(matches) == 1:
            found[module] = matches.pop()
    return found


def domain_of(module: str) -> str | None:
    """visits/operations -> visits; a module directly in planner/ belongs to no domain."""
    return module.split("/")[0] if "/" in module else None


def violations(
    graph: dict[str, list[Import]],
    layers=LAYERS,
    domains=DOMAINS,
    late_imports=LATE_IMPORTS,
) -> list[str]:
    """What breaks the contract, one sentence each; empty when the imports run downwards."""
    layer_of = classify(graph, layers)
    names = [name for name, _ in layers]
    found = []
    for module, imports in sorted(graph.items()):
        if module not in layer_of and imports:
            found.append(f"{module} is in no layer: place it in LAYERS (and the README picture)")
    for module, imports in sorted(graph.items()):
        for item in imports:
            target = item.imported
            if target == module:
                continue
            where = f"{module} (line {item.line})"
            if target == BY_NAME:
                found.append(f"{where} imports a module by name: write the import out")
                continue
            if item.late and module not in late_imports:
                found.append(f"{where} imports {target} inside a function: a loop, dodged")
            if module not in layer_of or target not in layer_of:
                continue
            mine, theirs = layer_of[module], layer_of[target]
            if theirs > mine:
                found.append(
                    f"{where}, in {names[mine]}, imports {target}, in {names[theirs]}: "
                    "imports run downwards"
                )
            elif mine == theirs and names[mine] == BLUEPRINTS:
                found.append(f"{where} imports the blueprint {target}: share through a web module")
            elif mine == theirs and _lower_calls_higher(module, target, domains):
                found.append(
                    f"{where} imports {target}: {domain_of(module)} is below "
                    f"{domain_of(target)} in DOMAINS; a lower domain records what it wants "
                    "(a queued letter) instead of calling up"
                )
    found += [f"import loop: {' -> '.join(loop)}" for loop in loops(graph)]
    return list(dict.fromkeys(found))  # once each, though a line may import several names


def _lower_calls_higher(module: str, target: str, domains) -> bool:
    mine, theirs = domain_of(module), domain_of(target)
    if mine is None or theirs is None or mine == theirs:
        return False
    if mine not in domains or theirs not in domains:
        return True  # a new domain must be given its place
    return domains.index(theirs) > domains.index(mine)


def loops(graph: dict[str, list[Import]]) -> list[list[str]]:
    """Groups of modules that import each other when they load (Tarjan's algorithm)."""
    edges = {
        module: sorted({i.imported for i in imports if not i.late and i.imported != module})
        for module, imports in graph.items()
    }
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in edges.get(node, ()):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            connect(node)
    return found


def picture(layers=LAYERS, domains=DOMAINS) -> str:
    """The README's drawing of the contract: highest layer first, arrows pointing the way
    imports go."""
    lines = []
    for position, (name, members) in enumerate(reversed(layers)):
        if position:
            lines.append("    ↓")
        lines += textwrap.wrap(
            "  ".join(members),
            width=92,
            initial_indent=f"{name:<12}",
            subsequent_indent=" " * 12,
            break_long_words=False,
            break_on_hyphens=False,
        )
    lines.append("")
    lines += textwrap.wrap(
        "within a layer, domains lowest first: " + " < ".join(domains),
        width=92,
        subsequent_indent=" " * 4,
        break_long_words=False,
        break_on_hyphens=False,
    )
    return "\n".join(lines)


# --- The code base keeps the contract --------------------------------------------------------


def test_planner_imports_run_downwards():
    graph = read_imports(ROOT / "planner")
    assert len(graph) > 50  # the whole package was read
    assert violations(graph) == []


def test_every_module_and_domain_has_its_place():
    graph = read_imports(ROOT / "planner")
    layer_of = classify(graph)
    packages = {module.split("/")[0] for module in graph if "/" in module}
    assert packages <= set(DOMAINS)
    # A name in a layer is either a module or a pattern that matches one; "clock" arrives
    # with the one clock (issue 11).
    for _, members in LAYERS:
        for member in members:
            if member == "clock":
                continue
            assert any(_pattern(member).fullmatch(module) for module in graph), member
    assert {"config", "i18n", "itinerary/checks", "visits/views", "planner"} <= set(layer_of)


def test_the_readme_draws_these_layers():
    drawing = picture()
    assert drawing in README.read_text(encoding="utf-8"), (
        "The README's Layers picture differs from tests/test_layers.py; it should read:\n\n"
        + drawing
    )


# --- The check itself fails on code that breaks it ------------------------------------------


def write_package(root: Path, files: dict[str, str]) -> Path:
    package = root / "planner"
    for name, text in {"__init__.py": "", **files}.items():
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        for parent in path.relative_to(package).parents:
            (package / parent / "__init__.py").touch()
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return package


GOOD = {
    "config.py": "LANGUAGES = ('en', 'fa')\n",
    "i18n.py": "from planner.config import LANGUAGES\n",
    "itinerary/messages.py": "from planner import config\n",
    "itinerary/views.py": "from planner.itinerary.messages import render_finding\n",
    "visits/views.py": "from planner.i18n import LANGUAGES\n",
    # An annotation's name, imported for the type checker alone, runs nothing.
    "visits/models.py": "from typing import TYPE_CHECKING\n"
    "if TYPE_CHECKING:\n    from planner.itinerary.messages import Message\n",
}


def test_the_check_passes_code_that_keeps_the_contract(tmp_path):
    assert violations(read_imports(write_package(tmp_path, GOOD))) == []


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        pytest.param(
            {"i18n.py": "from planner.itinerary.messages import render_finding\n"},
            "i18n (line 1), in base, imports itinerary/messages, in logic: imports run downwards",
            id="a base module imports a domain",
        ),
        pytest.param(
            {"i18n.py": "from planner.itinerary import messages\n"},
            "i18n (line 1), in base, imports itinerary/messages, in logic: imports run downwards",
            id="the same, written as from-package-import-module",
        ),
        pytest.param(
            {"itinerary/views.py": "from planner.visits.views import live_visit_or_404\n"},
            "itinerary/views (line 1) imports the blueprint visits/views: share through a web "
            "module",
            id="a view imports another blueprint's view",
        ),
        pytest.param(
            {
                "visits/operations.py": "from planner.calendars import operations\n",
                "calendars/operations.py": "",
            },
            "visits/operations (line 1) imports calendars/operations: visits is below "
            "calendars in DOMAINS; a lower domain records what it wants (a queued letter) "
            "instead of calling up",
            id="a lower domain calls a higher one",
        ),
        pytest.param(
            {
                "itinerary/messages.py": """\
                    def render():
                        from planner.i18n import LANGUAGES
                    """,
            },
            "itinerary/messages (line 2) imports i18n inside a function: a loop, dodged",
            id="an import inside a function",
        ),
        pytest.param(
            {
                "itinerary/messages.py": "from planner.itinerary.checks import Finding\n",
                "itinerary/checks.py": "from planner.itinerary.messages import render\n",
            },
            "import loop: itinerary/checks -> itinerary/messages",
            id="two modules import each other",
        ),
        pytest.param(
            {"api/__init__.py": "import importlib\nimportlib.import_module('planner.api.x')\n"},
            "api (line 2) imports a module by name: write the import out",
            id="an import this check cannot follow",
        ),
        pytest.param(
            {"newthing.py": "from planner import config\n"},
            "newthing is in no layer: place it in LAYERS (and the README picture)",
            id="a module nobody placed",
        ),
    ],
)
def test_the_check_refuses_code_that_breaks_the_contract(tmp_path, change, complaint):
    found = violations(read_imports(write_package(tmp_path, {**GOOD, **change})))
    assert found == [complaint]
