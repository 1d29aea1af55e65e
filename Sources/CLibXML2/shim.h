/* libxml2's HTML parser, for the CHTML shim (pkg-config libxml-2.0 gives the include path). */
#include <libxml/HTMLparser.h>
