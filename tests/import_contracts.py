"""An import-linter contract type: no circle of imports between any of the project's
modules, across apps as well as within them (the built-in `acyclic_siblings` looks only
within one package). `make lint` runs it through pyproject.toml."""

import grimp
from importlinter import Contract, ContractCheck, fields, output


class NoCyclesContract(Contract):
    type_name = "no_cycles"

    packages = fields.ListField(subfield=fields.StringField())
    ignore_modules = fields.ListField(subfield=fields.StringField(), required=False)

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        ignored = tuple(self.ignore_modules or ())
        modules = {
            module
            for package in self.packages
            for module in graph.find_descendants(package) | {package}
            if not any(part in module for part in ignored)
        }
        circles = [circle for circle in _circles(graph, modules) if len(circle) > 1]
        return ContractCheck(kept=not circles, warnings=[], metadata={"circles": circles})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for circle in check.metadata["circles"]:
            output.print_error("These modules import one another in a circle:")
            for module in circle:
                output.print_error(f"  {module}")
            output.new_line()


def _circles(graph, modules) -> list[list[str]]:
    """The strongly connected components of the import graph among `modules` (Tarjan's
    algorithm, without recursion): each is a set of modules that reach one another."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []

    def imported_by(module):
        return iter(sorted(graph.find_modules_directly_imported_by(module) & modules))

    def visit(module):
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        return (module, imported_by(module))

    for root in sorted(modules):
        if root in index:
            continue
        work = [visit(root)]
        while work:
            module, imported = work[-1]
            for other in imported:
                if other not in index:
                    work.append(visit(other))
                    break
                if other in on_stack:
                    low[module] = min(low[module], index[other])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[module])
                if low[module] == index[module]:
                    component = []
                    while (member := stack.pop()) != module:
                        on_stack.discard(member)
                        component.append(member)
                    on_stack.discard(module)
                    found.append(sorted([*component, module]))
    return found
