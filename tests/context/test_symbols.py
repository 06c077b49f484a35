"""Real tree-sitter over a small source per language: definitions, references, enclosing ranges, re-parse."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from context.symbols import BufferParser, ParsedBuffer, enclosing_definition, extract_symbols, outline


@dataclass
class Case:
    source: str
    definitions: set[tuple[str, str]]  # (name, kind) that must be found
    references: set[str]  # names that must be referenced (".x" for a member use)
    probe: str  # a line inside the innermost definition...
    first: str  # ...whose first line contains this
    last: str  # ...and whose last line contains this
    edit: tuple[str, str]  # (old, new) text for the incremental re-parse


CASES: dict[str, Case] = {
    "python": Case(
        '''import os
LIMIT = 3

@decorated
def top(a):
    return helper(a)

class Shape(Base):
    def area(self) -> float:
        total = compute(self.w)
        return total  # area end
''',
        {("LIMIT", "constant"), ("top", "function"), ("Shape", "class"), ("area", "method")},
        {"helper", "compute", "Base", "decorated", ".w"},
        "total = compute", "def area", "# area end", ("def top(a):", "def top_renamed(a, b):"),
    ),
    "javascript": Case(
        '''import { helper } from "./util";
export const LIMIT = 5;
export function add(a, b) { return helper(a) + b; }
const mul = (a, b) => a * b;
class Shape extends Base {
  area() {
    return compute(this.w);
  } // area end
}
''',
        {("LIMIT", "constant"), ("add", "function"), ("mul", "function"), ("Shape", "class"), ("area", "method")},
        {"helper", "compute", "Base"},
        "return compute", "area() {", "// area end", ("function add(a, b)", "function plus(a, b)"),
    ),
    "typescript": Case(
        '''interface Point { x: number }
type Id = string;
enum Color { Red }
export function dist(p: Point): number { return sq(p.x); }
export class Circle extends Shape implements HasArea {
  area(): number {
    return Math.PI * this.r;
  } // area end
}
''',
        {("Point", "interface"), ("Id", "type"), ("Color", "enum"), ("dist", "function"), ("Circle", "class"),
         ("area", "method")},
        {"Point", "sq", "Shape", "HasArea"},
        "return Math.PI", "area(): number", "// area end", ("type Id = string;", "type Key = number;"),
    ),
    "tsx": Case(
        '''export function App(props: Props) {
  return <Button label="x" />;
} // App end
const Card = ({ title }: CardProps) => <div>{title}</div>;
''',
        {("App", "function"), ("Card", "function")},
        {"Props", "Button", "CardProps"},
        "return <Button", "export function App", "// App end", ("const Card", "const Tile"),
    ),
    "go": Case(
        '''package main

const Max = 3

type Server struct{ Name string }

type Handler interface{ Serve(s *Server) error }

func NewServer(name string) *Server { return &Server{Name: name} }

func (s *Server) Start() error {
	fmt.Println(s.Name)
	return helper(s)
} // Start end
''',
        {("Max", "constant"), ("Server", "struct"), ("Handler", "interface"), ("NewServer", "function"),
         ("Start", "method")},
        {"Server", "helper", ".Println"},
        "return helper(s)", "func (s *Server) Start", "// Start end", ("func NewServer", "func MakeServer"),
    ),
    "rust": Case(
        '''const LIMIT: u32 = 10;
pub struct Point { x: i32 }
trait Area { fn area(&self) -> f64; }
impl Point {
    fn dist(&self) -> i32 {
        compute(self.x)
    } // dist end
}
fn main() { let p = Point::new(1); }
''',
        {("LIMIT", "constant"), ("Point", "struct"), ("Area", "trait"), ("dist", "method"), ("main", "function")},
        {"compute", "Point", ".new"},
        "compute(self.x)", "fn dist", "// dist end", ("fn main()", "fn start()"),
    ),
    "c": Case(
        '''#include <stdio.h>
#define MAX 10
struct node { int v; };
typedef struct node node_t;
static int *make(int n);
int add(int a, int b) {
    return helper(a) + b;
} /* add end */
''',
        {("MAX", "constant"), ("node", "struct"), ("node_t", "type"), ("make", "function"), ("add", "function")},
        {"helper", "node"},
        "return helper", "int add(", "/* add end */", ("int add(", "int sum("),
    ),
    "cpp": Case(
        '''namespace geo {
class Shape {
 public:
  virtual double area() const = 0;
};
double Shape::perimeter() const {
  return compute(id);
} // perimeter end
}
int main() { return geo::maxOf(1, 2); }
''',
        {("geo", "module"), ("Shape", "class"), ("area", "method"), ("perimeter", "method"), ("main", "function")},
        {"compute", ".maxOf", "geo"},
        "return compute", "double Shape::perimeter", "// perimeter end", ("int main()", "int start()"),
    ),
    "java": Case(
        '''package x;
public class Account extends Base {
    public Account(String id) { this.id = id; }
    public int balance() {
        return Helper.compute(id);
    } // balance end
    interface Listener { void onChange(int v); }
}
''',
        {("Account", "class"), ("balance", "method"), ("Listener", "interface"), ("onChange", "method")},
        {"Base", "String", ".compute"},
        "return Helper.compute", "public int balance", "// balance end", ("int balance()", "int total()"),
    ),
}


def _line_of(source: str, needle: str) -> int:
    return next(i for i, line in enumerate(source.split("\n")) if needle in line)


@pytest.mark.parametrize("language", sorted(CASES))
def test_definitions_and_references(language: str) -> None:
    case = CASES[language]
    symbols = extract_symbols(case.source, language)
    found = {(d.name, d.kind) for d in symbols.definitions}
    assert case.definitions <= found, f"missing {case.definitions - found}"
    assert case.references <= set(symbols.references), f"missing {case.references - set(symbols.references)}"
    for d in symbols.definitions:
        assert 0 <= d.start_line < d.end_line <= case.source.count("\n") + 1
        assert "\n" not in d.signature and d.signature


@pytest.mark.parametrize("language", sorted(CASES))
def test_enclosing_definition_is_the_innermost(language: str) -> None:
    case = CASES[language]
    probe = _line_of(case.source, case.probe)
    expected = (_line_of(case.source, case.first), _line_of(case.source, case.last) + 1)
    assert enclosing_definition(case.source, language, probe) == expected


def test_enclosing_definition_outside_any_definition_is_none() -> None:
    source = "import os\n\nx = os.getcwd()\n\ndef f():\n    return 1\n"
    assert enclosing_definition(source, "python", 0) is None
    assert enclosing_definition(source, "python", 5) == (4, 6)
    assert enclosing_definition("whatever", "markdown", 0) is None


def test_python_decorators_belong_to_the_definition() -> None:
    case = CASES["python"]
    top = next(d for d in extract_symbols(case.source, "python").definitions if d.name == "top")
    assert top.start_line == _line_of(case.source, "@decorated")
    assert top.signature == "def top(a):"


@pytest.mark.parametrize("language", sorted(CASES))
def test_incremental_reparse_matches_fresh_parse(language: str) -> None:
    case = CASES[language]
    old, new = case.edit
    edited = case.source.replace(old, new)
    assert edited != case.source
    buffer = ParsedBuffer(language, case.source)
    first_tree = buffer.tree
    buffer.update(edited)
    assert buffer.tree is not first_tree
    assert buffer.source == edited
    fresh = extract_symbols(edited, language)
    assert buffer.symbols().definitions == fresh.definitions
    assert buffer.symbols().references == fresh.references


def test_explicit_edit_with_multibyte_text() -> None:
    source = 'def greet():\n    return "hi"\n'
    buffer = ParsedBuffer("python", source)
    start = source.index('"hi"')
    buffer.edit(start, start + len('"hi"'), '"héllo ✓"\n\ndef wave():\n    pass')
    assert [d.name for d in buffer.symbols().definitions] == ["greet", "wave"]
    assert buffer.symbols().definitions == extract_symbols(buffer.source, "python").definitions
    # An edit inside a multi-byte character's bytes still yields the exact new text.
    buffer.update(buffer.source.replace("é", "è"))
    assert "hèllo" in buffer.source


def test_buffer_parser_keeps_one_tree_per_buffer() -> None:
    parser = BufferParser()
    a = parser.update("a.py", "python", "def f():\n    pass\n")
    b = parser.update("b.go", "go", "package m\nfunc G() {}\n")
    assert a is not None and b is not None
    again = parser.update("a.py", "python", "def f():\n    pass\n\ndef g():\n    pass\n")
    assert again is a
    assert [d.name for d in a.symbols().definitions] == ["f", "g"]
    assert a.enclosing_definition(4) == (3, 5)
    assert parser.update("notes.md", "markdown", "# hi") is None
    parser.close("a.py")
    assert parser.get("a.py") is None and parser.get("b.go") is b


def test_outline_shows_nested_signatures_only() -> None:
    text = outline(CASES["python"].source, "python")
    lines = text.split("\n")
    assert "class Shape(Base):" in lines
    assert "    def area(self) -> float:" in lines
    assert "compute" not in text


def test_half_written_source_still_yields_the_complete_definitions() -> None:
    source = "def done(x):\n    return x\n\ndef half(a, b:\n    retur"
    names = [d.name for d in extract_symbols(source, "python").definitions]
    assert "done" in names
