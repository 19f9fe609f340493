"""The sandboxed jinja2 environment in which every report -- a community's or a district's -- is written.

Templates come from a district's `--templates` folder first and the bundled `templates/` second. They are
not trusted code: the environment is sandboxed and autoescaping, prints no bidi controls, and names the
template file and line of anything that fails. `render_document` is the one way a report's HTML is made.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any

from markupsafe import Markup

from assess.errors import AssessError
from assess.files import read_regular
from assess.report.texts import LocalTexts, ReportText, TextError, load_texts, missing_text_message
from assess.resources import templates_dir

CSS_FILE = "report.css"
DISTRICT_CSS_FILE = "district.css"  # a district's additions, after the bundled CSS
BASE_TEMPLATE = "base.html"


# -- HTML -------------------------------------------------------------------------------------------------


def template_dirs(district_dir: Path | None) -> list[Path]:
    """Where templates and their files are looked up, a district's folder first."""
    bundled = templates_dir()
    if district_dir is None:
        return [bundled]
    district_dir = Path(district_dir)
    if not district_dir.is_dir():
        raise AssessError(f"{district_dir}: 找不到模板文件夹 / templates folder not found")
    return [district_dir, bundled]


def template_env(dirs: Sequence[Path]):
    """A sandboxed jinja2 environment: a district's templates are not trusted code.

    `ImmutableSandboxedEnvironment` refuses `__class__`, `__globals__` and the like (which reach `os` and any
    file) and calls that change lists or dicts; autoescape keeps every user text plain text.
    """
    from jinja2 import ChoiceLoader

    env = bounded_sandbox()(
        loader=ChoiceLoader([confined_loader(d) for d in dirs]),
        autoescape=True,
        undefined=report_undefined(),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=without_bidi_controls,
    )
    for name in ("center", "indent", "wordwrap", "truncate"):
        env.filters[name] = width_bounded(env.filters[name])
    env.filters["format"] = format_bounded(env.filters["format"])
    env.filters["clipped"] = clipped
    return env


def clipped(text: Any, limit: int = 40) -> str:
    """`text` cut to `limit` characters with an ellipsis: a name of thousands of characters on the cover, in a
    table cell or in the running head would take WeasyPrint minutes to lay out (a real name has under 30)."""
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


MAX_TEXT = 1_000_000  # characters a template's one operation may make; a report's longest text is far shorter
MAX_INT_BITS = 4096  # digits enough for any figure a report shows; 9**(9**9) would take minutes
MAX_WIDTH = 1000  # columns a filter may pad or wrap to
MAX_OUTPUT = 50_000_000  # characters of HTML a report may have (a 1,000-community league is a few MB)
MAX_BLOCK = 10_000_000  # characters one block (a `set` body, a macro's output) may build before it is output
MAX_RENDER_SECONDS = 120
MAX_LOOP_STEPS = 5_000_000  # items all of a render's `for` loops may go through (a 1,000-community league: ~100,000)
_loop_steps: ContextVar[list[int] | None] = ContextVar("loop_steps", default=None)
WIDE_FORMAT = re.compile(r"%[-+ #0]*\d{4,}|%[-+ #0]*\d*\.\d{4,}")


@cache
def bounded_sandbox() -> type:
    """jinja2's immutable sandbox with bounds on what a template's operators may build: a district's
    template could otherwise exhaust memory or time with 'ab' * 500000000 or 9 ** (9 ** 9). `range` is
    already bounded by jinja2 (100,000 items). Text a template builds before it is output -- the body of a
    `{% set %}` block, a macro, a `{% filter %}` or a `caller()` -- goes into a `BoundedBuffer`; what is output
    and the time taken are bounded in `render_bounded`."""
    from jinja2.compiler import CodeGenerator
    from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

    class BoundedCodeGenerator(CodeGenerator):
        def buffer(self, frame) -> None:
            frame.buffer = self.temporary_identifier()
            self.writeline(f"{frame.buffer} = environment.bounded_buffer()")

        def visit_For(self, node, frame) -> None:
            """Every `for` goes through `counted_loop`, so nested loops that output little are bounded too."""
            from jinja2 import nodes

            node.iter = nodes.Call(nodes.EnvironmentAttribute("counted_loop"), [node.iter], [], None, None)
            super().visit_For(node, frame)

    class BoundedSandbox(ImmutableSandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**", "+", "%"})
        code_generator_class = BoundedCodeGenerator
        bounded_buffer = BoundedBuffer
        counted_loop = staticmethod(counted_loop)

        def call_binop(self, context, operator, left, right):
            if too_big(operator, left, right):
                raise SecurityError(f"{operator!r} would build too large a value")
            return super().call_binop(context, operator, left, right)

    return BoundedSandbox


def counted_loop(items: Any) -> Any:
    """`items` one by one, counted against MAX_LOOP_STEPS for the whole render (see `render_bounded`)."""
    steps = _loop_steps.get()
    if steps is None:
        yield from items
        return
    for item in items:
        steps[0] += 1
        if steps[0] > MAX_LOOP_STEPS:
            from jinja2.sandbox import SecurityError

            raise SecurityError(f"the template's loops went through more than {MAX_LOOP_STEPS:,} items")
        yield item


class BoundedBuffer(list):
    """A template's inner buffer that counts what it is given: past MAX_BLOCK characters in one buffer the
    render stops, so a `{% set %}` of nested loops cannot fill memory before anything is output."""

    size = 0

    def append(self, part: str) -> None:
        self.charge(len(part))
        super().append(part)

    def extend(self, parts) -> None:
        parts = tuple(parts)
        self.charge(sum(map(len, parts)))
        super().extend(parts)

    def charge(self, size: int) -> None:
        self.size += size
        if self.size > MAX_BLOCK:
            from jinja2.sandbox import SecurityError

            raise SecurityError(f"a block built more than {MAX_BLOCK:,} characters")


def too_big(operator: str, left: Any, right: Any) -> bool:
    sized = (str, list, tuple)
    if operator == "*" and isinstance(left, sized) and isinstance(right, int):
        return len(left) * right > MAX_TEXT
    if operator == "*" and isinstance(right, sized) and isinstance(left, int):
        return len(right) * left > MAX_TEXT
    if operator == "+" and isinstance(left, sized) and isinstance(right, sized):
        return len(left) + len(right) > MAX_TEXT
    if operator == "%" and isinstance(left, str):
        return bool(WIDE_FORMAT.search(left))
    whole = isinstance(left, int) and isinstance(right, int)
    if operator == "**" and whole:
        return right > 0 and abs(left) > 1 and right * abs(left).bit_length() > MAX_INT_BITS
    if operator == "*" and whole:
        return abs(left).bit_length() + abs(right).bit_length() > MAX_INT_BITS
    return False


def width_bounded(pad: Callable) -> Callable:
    def bounded(value, width=80, *args, **kwargs):
        if isinstance(width, int) and width > MAX_WIDTH:
            from jinja2.sandbox import SecurityError

            raise SecurityError(f"a width of {width} is more than {MAX_WIDTH}")
        return pad(value, width, *args, **kwargs)

    return bounded


def format_bounded(format_filter: Callable) -> Callable:
    def bounded(value, *args, **kwargs):
        if isinstance(value, str) and WIDE_FORMAT.search(value):
            from jinja2.sandbox import SecurityError

            raise SecurityError("a format width of more than 999")
        return format_filter(value, *args, **kwargs)

    return bounded


def render_bounded(template, values: Mapping[str, Any]) -> str:
    """The template's output, stopped once it passes MAX_OUTPUT characters, MAX_LOOP_STEPS items of its loops
    or MAX_RENDER_SECONDS: a loop nested in a loop is bounded by neither `range` nor the operators. The loop
    count stops a loop that outputs nothing in any thread; in the main thread an alarm also stops the render,
    elsewhere time is checked as output arrives."""
    import time

    from jinja2.sandbox import SecurityError

    def out_of_time(*_) -> None:
        raise SecurityError(f"rendering took more than {MAX_RENDER_SECONDS} s")

    parts, size, start = [], 0, time.monotonic()
    counting = _loop_steps.set([0])
    try:
        with alarm(MAX_RENDER_SECONDS, out_of_time):
            for part in template.generate(**values):
                parts.append(part)
                size += len(part)
                if size > MAX_OUTPUT:
                    raise SecurityError(f"the output passed {MAX_OUTPUT:,} characters")
                if time.monotonic() - start > MAX_RENDER_SECONDS:
                    out_of_time()
    finally:
        _loop_steps.reset(counting)
    return "".join(parts)


@contextmanager
def alarm(seconds: float, handler: Callable) -> Iterator[None]:
    """`handler` called after `seconds` of wall time (SIGALRM), if this is the main thread of a system that
    has the signal; otherwise nothing. An alarm already set (a test runner's timeout) is set again after,
    less the time taken."""
    import signal
    import threading
    import time

    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGALRM, handler)
    start = time.monotonic()
    pending, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if pending:
            signal.setitimer(signal.ITIMER_REAL, max(pending - (time.monotonic() - start), 0.001))


MAX_TEMPLATE_BYTES = 4 * 1024 * 1024


def confined_loader(folder: Path):
    """A loader of the folder's own regular files only. A name or a symlink that leads outside the folder
    (e.g. a link to /etc/passwd) is refused with a message, and so is a pipe or a device: neither reaches
    the report. A name the folder does not hold is "not found", for the next folder to supply."""
    from jinja2 import BaseLoader, TemplateNotFound

    root = Path(folder).resolve()

    class ConfinedLoader(BaseLoader):
        def get_source(self, environment, template):
            given = root / template
            if not (given.exists() or given.is_symlink()):
                raise TemplateNotFound(template)
            path = given.resolve()
            if not path.is_relative_to(root):
                raise AssessError(
                    f"{given}: 模板指向模板文件夹以外的文件，不予使用 / the template leads outside its folder "
                    f"({root}) and is not used"
                )
            source = read_regular(path, MAX_TEMPLATE_BYTES).decode("utf-8")
            mtime = path.stat().st_mtime
            return source, str(path), lambda: path.is_file() and path.stat().st_mtime == mtime

    return ConfinedLoader()


BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def without_bidi_controls(value: Any) -> Any:
    """Every value a template prints, less the bidi embedding/override/isolate controls (U+202A-E, U+2066-9):
    in a community name or an answer they could reverse how the rest of a line reads.
    """
    return value.translate(BIDI_CONTROLS) if isinstance(value, str) else value


@cache
def report_undefined() -> type:
    """jinja2's StrictUndefined, saying "texts.yaml has no text 'x'" when a template asks `t` for a missing text."""
    from jinja2 import StrictUndefined

    class ReportUndefined(StrictUndefined):
        @property
        def _undefined_message(self) -> str:
            if self._undefined_hint is None and isinstance(self._undefined_obj, LocalTexts):
                return missing_text_message(str(self._undefined_name), self._undefined_obj)
            return super()._undefined_message

    return ReportUndefined


def template_location(exc: BaseException, dirs: Sequence[Path]) -> str | None:
    """'file:line' of the innermost template frame of a run-time template error.

    jinja2 rewrites the traceback so that template code shows as frames whose file is the template's path
    and whose line is the template's line; the innermost one inside a template folder is where it failed.
    """
    roots = [Path(d).resolve() for d in dirs]
    where = None
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".htm")) and any(Path(filename).resolve().is_relative_to(r) for r in roots):
            where = f"{filename}:{tb.tb_lineno}"
        tb = tb.tb_next
    return where


def stylesheet(env) -> Markup:
    """The print CSS (a district's own `report.css` first), then a district's `district.css` if it has one, so
    that one colour is changed with one rule; inlined so the HTML stands alone, and unable to close <style>.
    """
    from jinja2 import TemplateNotFound

    source, _, _ = env.loader.get_source(env, CSS_FILE)
    try:
        extra, _, _ = env.loader.get_source(env, DISTRICT_CSS_FILE)
    except TemplateNotFound:
        extra = ""
    combined = source + (f"\n/* {DISTRICT_CSS_FILE} */\n{extra}" if extra else "")
    return Markup(combined.replace("</", "<\\/"))


def render_document(
    district_dir: Path | None,
    context: Callable[[str, Mapping[str, ReportText]], Mapping[str, Any]],
    template: str = BASE_TEMPLATE,
) -> str:
    """One report's HTML: `template` rendered with `context(css, texts)`, every template failure a message.

    `context` gets the stylesheet (for the charts' colours) and the texts (a district's over the bundled ones);
    a district's broken template names its file and line, while a failing bundled template is our bug and
    raises as such.
    """
    from jinja2 import TemplateError, TemplateNotFound, TemplateSyntaxError
    from jinja2.sandbox import SecurityError

    dirs = template_dirs(district_dir)
    env = template_env(dirs)
    try:
        css = stylesheet(env)
        texts = load_texts(dirs[0] if district_dir is not None else None)
        return render_bounded(env.get_template(template), {**context(css, texts), "css": css})
    except TemplateNotFound as exc:
        raise AssessError(f"找不到模板 / template '{exc.name}' not found in {', '.join(map(str, dirs))}") from None
    except TemplateSyntaxError as exc:
        where = f"{exc.filename or exc.name}:{exc.lineno}"
        raise AssessError(f"{where}: 模板错误 / template error: {exc.message}") from None
    except SecurityError as exc:  # the output's size and time are checked outside any template: name the folder
        where = template_location(exc, dirs) or (str(district_dir) if district_dir is not None else template)
        raise AssessError(
            f"{where}: 模板使用了不允许的内容，模板只能显示报告中的数据 / the template uses something templates may "
            f"not ({exc}); templates may only show the report's values"
        ) from None
    except (TemplateError, TextError) as exc:
        where = template_location(exc, dirs) or template
        raise AssessError(f"{where}: 模板错误 / template error: {exc}") from None
    except (UnicodeDecodeError, ArithmeticError, RecursionError, TypeError, ValueError) as exc:
        if district_dir is None:
            raise  # the bundled templates failing is our bug, to be seen as such
        where = template_location(exc, dirs) or str(district_dir)
        raise AssessError(
            f"{where}: 模板或样式无法使用 / a template or stylesheet of {district_dir} failed: "
            f"{type(exc).__name__}: {exc}"
        ) from None


