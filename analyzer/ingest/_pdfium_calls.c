/* PDFium's per-character text calls in a C loop: one Python call per page instead of one per character.
 *
 * The fast PDF engine (analyzer/ingest/pdfium_words.py) asks PDFium for every character's loose box and
 * for every word's font size and matrix. Through ctypes each call costs about a microsecond of Python;
 * here the same PDFium functions are called in a loop. The functions' addresses come from pypdfium2's
 * own bindings (this file needs no PDFium header or library), and arrays are passed by address, so the
 * results are the very numbers the ctypes calls give. Optional: when this module was not compiled, the
 * engine makes the same calls through ctypes.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>

typedef int (*box_fn)(void *textpage, int index, float *rect);
typedef double (*size_fn)(void *textpage, int index);
typedef int (*matrix_fn)(void *textpage, int index, float *matrix);

/* loose_boxes(fn, textpage, indexes, n, boxes, found): for each of the n int64 character indexes, the
 * loose box written at boxes + 4 * index (floats) and whether PDFium gave one in found[k] (bytes). */
static PyObject *loose_boxes(PyObject *self, PyObject *args) {
    unsigned long long fn, textpage, indexes, boxes, found;
    Py_ssize_t n;
    if (!PyArg_ParseTuple(args, "KKKnKK", &fn, &textpage, &indexes, &n, &boxes, &found)) return NULL;
    const int64_t *index = (const int64_t *)(uintptr_t)indexes;
    float *out = (float *)(uintptr_t)boxes;
    uint8_t *ok = (uint8_t *)(uintptr_t)found;
    box_fn call = (box_fn)(uintptr_t)fn;
    for (Py_ssize_t k = 0; k < n; k++)
        ok[k] = call((void *)(uintptr_t)textpage, (int)index[k], out + 4 * index[k]) != 0;
    Py_RETURN_NONE;
}

/* font_sizes(fn, textpage, indexes, n, sizes): PDFium's font size of each character, into n doubles. */
static PyObject *font_sizes(PyObject *self, PyObject *args) {
    unsigned long long fn, textpage, indexes, sizes;
    Py_ssize_t n;
    if (!PyArg_ParseTuple(args, "KKKnK", &fn, &textpage, &indexes, &n, &sizes)) return NULL;
    const int64_t *index = (const int64_t *)(uintptr_t)indexes;
    double *out = (double *)(uintptr_t)sizes;
    size_fn call = (size_fn)(uintptr_t)fn;
    for (Py_ssize_t k = 0; k < n; k++) out[k] = call((void *)(uintptr_t)textpage, (int)index[k]);
    Py_RETURN_NONE;
}

/* matrices(fn, textpage, indexes, n, out): each character's matrix, 6 floats apiece; True when PDFium
 * gave every one (it stops at the first it does not give). */
static PyObject *matrices(PyObject *self, PyObject *args) {
    unsigned long long fn, textpage, indexes, matrix;
    Py_ssize_t n;
    if (!PyArg_ParseTuple(args, "KKKnK", &fn, &textpage, &indexes, &n, &matrix)) return NULL;
    const int64_t *index = (const int64_t *)(uintptr_t)indexes;
    float *out = (float *)(uintptr_t)matrix;
    matrix_fn call = (matrix_fn)(uintptr_t)fn;
    for (Py_ssize_t k = 0; k < n; k++)
        if (!call((void *)(uintptr_t)textpage, (int)index[k], out + 6 * k)) Py_RETURN_FALSE;
    Py_RETURN_TRUE;
}

static PyMethodDef methods[] = {
    {"loose_boxes", loose_boxes, METH_VARARGS, "Loose boxes of characters, by PDFium index."},
    {"font_sizes", font_sizes, METH_VARARGS, "Font sizes of characters."},
    {"matrices", matrices, METH_VARARGS, "Matrices of characters; False when one is missing."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_pdfium_calls", NULL, -1, methods};

PyMODINIT_FUNC PyInit__pdfium_calls(void) { return PyModule_Create(&module); }
