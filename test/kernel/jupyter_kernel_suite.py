"""Jupyter's own kernel test suite (jupyter_kernel_test, Debian's python3-jupyter-kernel-test)
against the seglab kernel: kernel_info, stdout/stderr streams, results, display_data, clear_output,
errors, completion, inspection, is_complete and history (tail, range, search). Every message is
validated against the messaging spec. The pager test has no sample (seglab has no pager payload).

Run by test/kernel/jupyter_kernel_suite_test.ts with the kernelspec installed into a temporary
JUPYTER_PATH; the kernel name comes from $SEGLAB_KERNEL_NAME.
"""
import os
import unittest

import jupyter_kernel_test


class SeglabKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = os.environ.get("SEGLAB_KERNEL_NAME", "seglab")
    language_name = "typescript"
    file_extension = ".ts"

    code_hello_world = 'console.log("hello, world")'
    code_stderr = 'console.error("something went wrong")'

    completion_samples = [
        {"text": "Math.ma", "matches": {"max"}},
        {"text": 'import { createLoss } from "seglab";\ncreateLo', "matches": {"createLoss"}},
        {"text": 'import { createLoss } from "seglab";\ncreateLoss({ type: "Lovasz', "matches": {"LovaszHingeLoss", "LovaszSoftmaxLoss"}},
    ]

    complete_code_samples = ["1 + 1", "const answer = 42;", "console.log('hi')", "function f() {\n  return 1;\n}"]
    incomplete_code_samples = ["function f() {", "const xs = [1, 2,", "const total =", "`sum ${a"]
    invalid_code_samples = ["1 +* 2)", "}", "const = = 1;"]

    code_generate_error = 'throw new Error("boom")'

    code_execute_result = [
        {"code": "1 + 2", "result": "3"},
        {"code": "[1, 2, 3].map((x) => x * 2)", "result": "[ 2, 4, 6 ]"},
    ]

    code_display_data = [
        {
            "code": 'import { display, DISPLAY } from "seglab";\n'
            'display({ [DISPLAY]: () => ({ "text/html": "<b>seglab</b>", "text/plain": "seglab" }) });',
            "mime": "text/html",
        },
    ]

    code_clear_output = 'import { clearOutput } from "seglab/kernel";\nconsole.log("before");\nclearOutput();'

    code_inspect_sample = 'import { createLoss } from "seglab";\ncreateLoss('

    code_history_pattern = "1 + *"
    supported_history_operations = ("tail", "range", "search")


if __name__ == "__main__":
    unittest.main()
