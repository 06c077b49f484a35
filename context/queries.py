"""Tree-sitter queries per language: definitions (`@definition.<kind>` with `@name`) and references
(`@ref` for a bare name, `@ref.member` for a name reached through an object or module: `x.name`).

Written for caret rather than taken from the grammars' TAGS_QUERY: those vary per grammar, use predicates
(#strip!, #select-adjacent!) and miss kinds we want (Go structs, Rust impls, C++ out-of-line methods).
"""

from __future__ import annotations

_PYTHON_DEFS = """
(function_definition name: (identifier) @name) @definition.function
(class_definition name: (identifier) @name) @definition.class
(module (expression_statement (assignment left: (identifier) @name) @definition.constant))
"""

_PYTHON_REFS = """
(call function: (identifier) @ref)
(attribute attribute: (identifier) @ref.member)
(argument_list (identifier) @ref)
(keyword_argument value: (identifier) @ref)
(type (identifier) @ref)
(decorator (identifier) @ref)
(dotted_name (identifier) @ref)
(assignment right: (identifier) @ref)
(return_statement (identifier) @ref)
(raise_statement (identifier) @ref)
(except_clause (identifier) @ref)
"""

# Names bound locally (parameters, assignments, loop variables): a bare use of one of them is most likely
# the local, not a definition elsewhere that shares the name.
_PYTHON_LOCALS = """
(parameters (identifier) @local)
(default_parameter name: (identifier) @local)
(typed_parameter (identifier) @local)
(typed_default_parameter name: (identifier) @local)
(lambda_parameters (identifier) @local)
(block (expression_statement (assignment left: [(identifier) @local (pattern_list (identifier) @local)])))
(for_statement left: [(identifier) @local (pattern_list (identifier) @local)])
(for_in_clause left: [(identifier) @local (pattern_list (identifier) @local)])
(as_pattern_target (identifier) @local)
"""

_JS_LOCALS = """
(formal_parameters (identifier) @local)
(formal_parameters (assignment_pattern left: (identifier) @local))
(statement_block (lexical_declaration (variable_declarator name: (identifier) @local)))
(statement_block (variable_declaration (variable_declarator name: (identifier) @local)))
"""

_TS_LOCALS = """
(required_parameter pattern: (identifier) @local)
(optional_parameter pattern: (identifier) @local)
(statement_block (lexical_declaration (variable_declarator name: (identifier) @local)))
(statement_block (variable_declaration (variable_declarator name: (identifier) @local)))
"""

_JS_DEFS = """
(function_declaration name: (identifier) @name) @definition.function
(generator_function_declaration name: (identifier) @name) @definition.function
(class_declaration name: (_) @name) @definition.class
(method_definition name: (_) @name) @definition.method
(variable_declarator name: (identifier) @name value: [(arrow_function) (function_expression)]) @definition.function
(program (lexical_declaration (variable_declarator name: (identifier) @name) @definition.constant))
(program (export_statement (lexical_declaration (variable_declarator name: (identifier) @name) @definition.constant)))
"""

_JS_REFS = """
(call_expression function: (identifier) @ref)
(call_expression function: (member_expression property: (property_identifier) @ref.member))
(new_expression constructor: (identifier) @ref)
(import_specifier name: (identifier) @ref)
(arguments (identifier) @ref)
(member_expression object: (identifier) @ref)
"""

_JS_ONLY_REFS = """
(class_heritage (identifier) @ref)
(jsx_opening_element name: (identifier) @ref)
(jsx_self_closing_element name: (identifier) @ref)
"""

_TS_DEFS = (
    _JS_DEFS
    + """
(abstract_class_declaration name: (_) @name) @definition.class
(interface_declaration name: (_) @name) @definition.interface
(type_alias_declaration name: (_) @name) @definition.type
(enum_declaration name: (_) @name) @definition.enum
(function_signature name: (_) @name) @definition.function
(method_signature name: (_) @name) @definition.method
(abstract_method_signature name: (_) @name) @definition.method
(internal_module name: (_) @name) @definition.module
"""
)

_TS_REFS = (
    _JS_REFS
    + """
(type_identifier) @ref
(extends_clause value: (identifier) @ref)
"""
)

_TSX_REFS = (
    _TS_REFS
    + """
(jsx_opening_element name: (identifier) @ref)
(jsx_self_closing_element name: (identifier) @ref)
"""
)

_GO_DEFS = """
(function_declaration name: (identifier) @name) @definition.function
(method_declaration name: (field_identifier) @name) @definition.method
(type_spec name: (type_identifier) @name type: (struct_type)) @definition.struct
(type_spec name: (type_identifier) @name type: (interface_type)) @definition.interface
(type_spec name: (type_identifier) @name) @definition.type
(type_alias name: (type_identifier) @name) @definition.type
(const_spec name: (identifier) @name) @definition.constant
(source_file (var_declaration (var_spec name: (identifier) @name) @definition.variable))
"""

_GO_REFS = """
(call_expression function: (identifier) @ref)
(selector_expression field: (field_identifier) @ref.member)
(type_identifier) @ref
(argument_list (identifier) @ref)
"""

_RUST_DEFS = """
(function_item name: (identifier) @name) @definition.function
(function_signature_item name: (identifier) @name) @definition.function
(struct_item name: (type_identifier) @name) @definition.struct
(enum_item name: (type_identifier) @name) @definition.enum
(union_item name: (type_identifier) @name) @definition.struct
(type_item name: (type_identifier) @name) @definition.type
(trait_item name: (type_identifier) @name) @definition.trait
(mod_item name: (identifier) @name) @definition.module
(macro_definition name: (identifier) @name) @definition.macro
(const_item name: (identifier) @name) @definition.constant
(static_item name: (identifier) @name) @definition.constant
"""

_RUST_REFS = """
(call_expression function: (identifier) @ref)
(call_expression function: (field_expression field: (field_identifier) @ref.member))
(call_expression function: (scoped_identifier name: (identifier) @ref.member))
(macro_invocation macro: (identifier) @ref)
(type_identifier) @ref
(struct_expression name: (type_identifier) @ref)
(arguments (identifier) @ref)
"""

_C_DEFS = """
(function_declarator declarator: (_) @name) @definition.function
(struct_specifier name: (type_identifier) @name body: (_)) @definition.struct
(union_specifier name: (type_identifier) @name body: (_)) @definition.struct
(enum_specifier name: (type_identifier) @name body: (_)) @definition.enum
(type_definition declarator: (type_identifier) @name) @definition.type
(preproc_def name: (identifier) @name) @definition.constant
(preproc_function_def name: (identifier) @name) @definition.macro
"""

_C_REFS = """
(call_expression function: (identifier) @ref)
(call_expression function: (field_expression field: (field_identifier) @ref.member))
(type_identifier) @ref
(argument_list (identifier) @ref)
"""

_CPP_DEFS = (
    _C_DEFS
    + """
(class_specifier name: (type_identifier) @name body: (_)) @definition.class
(namespace_definition name: (_) @name) @definition.module
(alias_declaration name: (type_identifier) @name) @definition.type
"""
)

_CPP_REFS = (
    _C_REFS
    + """
(call_expression function: (qualified_identifier name: (identifier) @ref.member))
(namespace_identifier) @ref
"""
)

_JAVA_DEFS = """
(class_declaration name: (identifier) @name) @definition.class
(interface_declaration name: (identifier) @name) @definition.interface
(enum_declaration name: (identifier) @name) @definition.enum
(record_declaration name: (identifier) @name) @definition.class
(annotation_type_declaration name: (identifier) @name) @definition.interface
(method_declaration name: (identifier) @name) @definition.method
(constructor_declaration name: (identifier) @name) @definition.method
"""

_JAVA_REFS = """
(method_invocation name: (identifier) @ref.member)
(object_creation_expression type: (type_identifier) @ref)
(type_identifier) @ref
(method_invocation object: (identifier) @ref)
(field_access field: (identifier) @ref.member)
"""

DEFINITION_QUERIES: dict[str, str] = {
    "python": _PYTHON_DEFS,
    "javascript": _JS_DEFS,
    "typescript": _TS_DEFS,
    "tsx": _TS_DEFS,
    "go": _GO_DEFS,
    "rust": _RUST_DEFS,
    "c": _C_DEFS,
    "cpp": _CPP_DEFS,
    "java": _JAVA_DEFS,
}

REFERENCE_QUERIES: dict[str, str] = {
    "python": _PYTHON_REFS,
    "javascript": _JS_REFS + _JS_ONLY_REFS,
    "typescript": _TS_REFS,
    "tsx": _TSX_REFS,
    "go": _GO_REFS,
    "rust": _RUST_REFS,
    "c": _C_REFS,
    "cpp": _CPP_REFS,
    "java": _JAVA_REFS,
}

LOCAL_QUERIES: dict[str, str] = {
    "python": _PYTHON_LOCALS,
    "javascript": _JS_LOCALS,
    "typescript": _TS_LOCALS,
    "tsx": _TS_LOCALS,
}

# Node types that hold other definitions: a function found inside one is a method of it.
CONTAINER_TYPES: frozenset[str] = frozenset({
    "class_definition", "class_declaration", "abstract_class_declaration", "class", "interface_declaration",
    "impl_item", "trait_item", "class_specifier", "struct_specifier", "enum_declaration",
    "record_declaration", "object_type", "namespace_definition", "mod_item", "internal_module",
})

# Containers that group definitions without making their functions methods.
NAMESPACE_TYPES: frozenset[str] = frozenset({"namespace_definition", "mod_item", "internal_module"})

# Node types of functions: a definition nested in one of these is local to it.
FUNCTION_TYPES: frozenset[str] = frozenset({
    "function_definition", "function_declaration", "function_item", "method_definition", "method_declaration",
    "arrow_function", "function_expression", "generator_function_declaration", "constructor_declaration",
    "lambda",
})

# When two patterns capture the same node, the more specific kind wins.
KIND_PRIORITY: dict[str, int] = {
    "method": 9, "function": 8, "struct": 7, "interface": 7, "enum": 7, "trait": 7, "class": 7,
    "module": 6, "macro": 5, "type": 4, "constant": 2, "variable": 1,
}
