/* What the PDF reader asks pdfium about every character, page object and path
 * segment of a page, asked in one call a page (or path) instead of one ctypes
 * call a question: those calls were a fifth of a PDF report's time.
 *
 * It only gathers pdfium's answers, packed as the records below; what they
 * mean is read in Python (etl/readers/pdf_chars.py, pdf_paths.py), where the
 * reader's logic stays. pdfium is not linked: bind() is given the addresses
 * of pypdfium2's own functions (etl/readers/pdf_bulk.py), so this module
 * needs neither pdfium's headers nor its library to build.
 *
 * Each answer is asked exactly when the ctypes code asked it, and a call that
 * fails leaves its output as the one before it left it, as ctypes' reused
 * out-parameters did.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

typedef void *Handle;
typedef struct {
    float a, b, c, d, e, f;
} Matrix;

/* pdfium's functions, as fpdf_text.h and fpdf_edit.h declare them. */
static unsigned int (*GetUnicode)(Handle, int);
static int (*IsGenerated)(Handle, int);
static Handle (*GetTextObject)(Handle, int);
static int (*GetCharOrigin)(Handle, int, double *, double *);
static int (*GetCharMatrix)(Handle, int, Matrix *);
static double (*GetFontSize)(Handle, int);
static Handle (*GetFont)(Handle);
static int (*CountPageObjects)(Handle);
static Handle (*GetPageObject)(Handle, int);
static int (*CountFormObjects)(Handle);
static Handle (*GetFormObject)(Handle, unsigned long);
static int (*ObjectType)(Handle);
static int (*ObjectMatrix)(Handle, Matrix *);
static int (*CountSegments)(Handle);
static Handle (*GetSegment)(Handle, int);
static int (*SegmentPoint)(Handle, float *, float *);
static int (*SegmentType)(Handle);
static int (*SegmentCloses)(Handle);

#define PATH_OBJECT 2 /* FPDF_PAGEOBJ_PATH */
#define FORM_OBJECT 5 /* FPDF_PAGEOBJ_FORM */

static PyObject *bind(PyObject *self, PyObject *args) {
    void **functions[] = {
        /* in the order pdf_pdfium.py gives them */
        (void **)&GetUnicode,       (void **)&IsGenerated,      (void **)&GetTextObject,
        (void **)&GetCharOrigin,    (void **)&GetCharMatrix,    (void **)&GetFontSize,
        (void **)&GetFont,          (void **)&CountPageObjects, (void **)&GetPageObject,
        (void **)&CountFormObjects, (void **)&GetFormObject,    (void **)&ObjectType,
        (void **)&ObjectMatrix,     (void **)&CountSegments,    (void **)&GetSegment,
        (void **)&SegmentPoint,     (void **)&SegmentType,      (void **)&SegmentCloses,
    };
    const Py_ssize_t count = sizeof functions / sizeof functions[0];
    if (!PyTuple_Check(args) || PyTuple_GET_SIZE(args) != count) {
        PyErr_Format(PyExc_TypeError, "bind() takes the addresses of %zd functions", count);
        return NULL;
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        void *address = PyLong_AsVoidPtr(PyTuple_GET_ITEM(args, i));
        if (address == NULL) {
            if (!PyErr_Occurred())
                PyErr_Format(PyExc_ValueError, "function %zd has no address", i);
            return NULL;
        }
        *functions[i] = address;
    }
    Py_RETURN_NONE;
}

static int bound(void) {
    if (SegmentCloses == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "bind() was not called");
        return 0;
    }
    return 1;
}

/* A bytes object of room for ``count`` records of ``size`` bytes (none for a
 * negative count, which pdfium gives on failure); NULL with the error set. */
static PyObject *record_buffer(size_t size, int *count) {
    if (*count < 0)
        *count = 0;
    return PyBytes_FromStringAndSize(NULL, (Py_ssize_t)size * *count);
}

/* One drawn character (see chars() below). */
typedef struct {
    int32_t index;      /* in pdfium's text of the page */
    int32_t new_object; /* 1: drawn by another text object than the character before */
    uint64_t object;
    double x, y;        /* its origin */
    float a, b, c, d;   /* the text object's matrix, font size and font: */
    double size;        /* asked only for a new object, else those of the one before */
    uint64_t font;
} CharRecord;

_Static_assert(sizeof(CharRecord) == 64, "CharRecord is struct \"=iiQdd4fdQ\"");

/* chars(textpage, count, text): a record for each of the page's first
 * ``count`` characters that pdfium draws: neither a space or line break it
 * generated, nor one without a text object. ``text``: the page's characters as
 * the reader has them, one for each; "" to ask pdfium for each one's code. */
static PyObject *chars(PyObject *self, PyObject *args) {
    unsigned long long page_text_address;
    int count;
    PyObject *text;
    if (!PyArg_ParseTuple(args, "KiU", &page_text_address, &count, &text) || !bound())
        return NULL;
    const int from_text = PyUnicode_GET_LENGTH(text) > 0;
    if (from_text && PyUnicode_GET_LENGTH(text) != count) {
        PyErr_SetString(PyExc_ValueError, "the text must have one character for each");
        return NULL;
    }
    const int kind = PyUnicode_KIND(text);
    const void *characters = PyUnicode_DATA(text);
    Handle page_text = (Handle)(uintptr_t)page_text_address;
    PyObject *result = record_buffer(sizeof(CharRecord), &count);
    if (result == NULL)
        return NULL;
    CharRecord *records = (CharRecord *)PyBytes_AS_STRING(result);
    CharRecord *record = records;
    double x = 0, y = 0, size = 0;
    Matrix matrix = {0};
    Handle last_object = NULL, font = NULL;
    for (int index = 0; index < count; index++) {
        Py_UCS4 code = from_text ? PyUnicode_READ(kind, characters, index)
                                 : GetUnicode(page_text, index);
        if ((code == ' ' || code == '\r' || code == '\n') && IsGenerated(page_text, index) == 1)
            continue;
        Handle object = GetTextObject(page_text, index);
        if (object == NULL)
            continue;
        GetCharOrigin(page_text, index, &x, &y);
        int new_object = object != last_object;
        if (new_object) {
            last_object = object;
            GetCharMatrix(page_text, index, &matrix);
            size = GetFontSize(page_text, index);
            font = GetFont(object);
        }
        *record++ = (CharRecord){index,    new_object, (uintptr_t)object, x, y, matrix.a,
                                 matrix.b, matrix.c,   matrix.d,          size, (uintptr_t)font};
    }
    if (_PyBytes_Resize(&result, (char *)record - (char *)records) < 0)
        return NULL;
    return result;
}

/* One object of a page or form. */
typedef struct {
    uint64_t object;
    int32_t type;
    int32_t has_matrix; /* a path's or form's matrix, read: the six floats */
    float matrix[6];
} ObjectRecord;

_Static_assert(sizeof(ObjectRecord) == 40, "ObjectRecord is struct \"=Qii6f\"");

/* objects(container, is_form, count, skip): the first ``count`` objects of a
 * page (is_form 0) or of a form object, in the order drawn, each with its type
 * and, for a path or a form, its matrix; nothing is asked of an object whose
 * address is in the set ``skip`` (the text objects known already). The caller
 * counts them first (object_count), to refuse a page with too many. */
static PyObject *objects(PyObject *self, PyObject *args) {
    unsigned long long container_address;
    int is_form, count;
    PyObject *skip;
    if (!PyArg_ParseTuple(args, "KpiO!", &container_address, &is_form, &count, &PySet_Type,
                          &skip) ||
        !bound())
        return NULL;
    Handle container = (Handle)(uintptr_t)container_address;
    PyObject *result = record_buffer(sizeof(ObjectRecord), &count);
    if (result == NULL)
        return NULL;
    ObjectRecord *records = (ObjectRecord *)PyBytes_AS_STRING(result);
    Matrix matrix = {0};
    for (int index = 0; index < count; index++) {
        Handle object = is_form ? GetFormObject(container, (unsigned long)index)
                                : GetPageObject(container, index);
        ObjectRecord *record = &records[index];
        memset(record, 0, sizeof *record);
        record->object = (uintptr_t)object;
        record->type = -1; /* known: not asked */
        if (PySet_GET_SIZE(skip) > 0) {
            PyObject *address = PyLong_FromVoidPtr(object);
            if (address == NULL)
                goto failed;
            int known = PySet_Contains(skip, address);
            Py_DECREF(address);
            if (known < 0)
                goto failed;
            if (known)
                continue;
        }
        record->type = ObjectType(object);
        if (record->type == PATH_OBJECT || record->type == FORM_OBJECT) {
            record->has_matrix = ObjectMatrix(object, &matrix) ? 1 : 0;
            memcpy(record->matrix, &matrix, sizeof record->matrix);
        }
    }
    return result;
failed:
    Py_DECREF(result);
    return NULL;
}

/* One segment of a path. */
typedef struct {
    int32_t type;
    int32_t closes;
    float x, y;
} SegmentRecord;

_Static_assert(sizeof(SegmentRecord) == 16, "SegmentRecord is struct \"=iiff\"");

/* segments(path, count): the path's first ``count`` segments, each with its
 * type, whether it closes its subpath and its point. */
static PyObject *segments(PyObject *self, PyObject *args) {
    unsigned long long path_address;
    int count;
    if (!PyArg_ParseTuple(args, "Ki", &path_address, &count) || !bound())
        return NULL;
    Handle path = (Handle)(uintptr_t)path_address;
    PyObject *result = record_buffer(sizeof(SegmentRecord), &count);
    if (result == NULL)
        return NULL;
    SegmentRecord *records = (SegmentRecord *)PyBytes_AS_STRING(result);
    float x = 0, y = 0;
    for (int index = 0; index < count; index++) {
        Handle segment = GetSegment(path, index);
        SegmentPoint(segment, &x, &y);
        records[index] = (SegmentRecord){SegmentType(segment), SegmentCloses(segment) ? 1 : 0, x, y};
    }
    return result;
}

/* object_count(container, is_form): how many objects a page or form object holds. */
static PyObject *object_count(PyObject *self, PyObject *args) {
    unsigned long long container_address;
    int is_form;
    if (!PyArg_ParseTuple(args, "Kp", &container_address, &is_form) || !bound())
        return NULL;
    Handle container = (Handle)(uintptr_t)container_address;
    return PyLong_FromLong(is_form ? CountFormObjects(container) : CountPageObjects(container));
}

/* segment_count(path): how many segments a path has. */
static PyObject *segment_count(PyObject *self, PyObject *args) {
    unsigned long long path_address;
    if (!PyArg_ParseTuple(args, "K", &path_address) || !bound())
        return NULL;
    return PyLong_FromLong(CountSegments((Handle)(uintptr_t)path_address));
}

static PyMethodDef methods[] = {
    {"object_count", object_count, METH_VARARGS, "object_count(container, is_form) -> int"},
    {"segment_count", segment_count, METH_VARARGS, "segment_count(path) -> int"},
    {"bind", bind, METH_VARARGS, "Give the addresses of pdfium's functions, in the order of the source."},
    {"chars", chars, METH_VARARGS, "chars(textpage, count) -> the drawn characters' records"},
    {"objects", objects, METH_VARARGS, "objects(container, is_form, count, skip) -> records"},
    {"segments", segments, METH_VARARGS, "segments(path, count) -> the segments' records"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_pdfium_bulk", "pdfium's answers about a page, gathered in C.", -1,
    methods,
};

PyMODINIT_FUNC PyInit__pdfium_bulk(void) { return PyModule_Create(&module); }
