// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// JSON text as users type and read it in the panels: parsing with a line/column for errors (the editors
// show it inline) and pretty printing for the raw payload view. Parsing uses the wire JSON serializer, so
// what validates in an editor is exactly what goes out (int64/uint64 exact, "\u0000"+base64 = bytes).

#include "wamp/result.h"
#include "wamp/value.h"

#include <QString>

namespace wb::inspect {

struct JsonTextError
{
    int line = 0;   ///< 1-based
    int column = 0; ///< 1-based, in characters
    QString message;
    QString toString() const; ///< "line 2, column 5: unexpected character ..."
};

struct JsonParse
{
    bool ok = false;
    wamp::Value value;
    JsonTextError error;
};

/// Parse \a text as one JSON value. Blank text is an error ("empty"); callers decide what blank means.
JsonParse parseJsonText(const QString &text);

/// Convert a 0-based UTF-8 byte \a offset in \a utf8 to a 1-based line/column (column counted in UTF-16 units).
void offsetToLineColumn(const QByteArray &utf8, qint64 offset, int *line, int *column);

/// Indented JSON for display. Bytes are shown as "0x0a0b..." hex strings when \a bytesAsHex, otherwise with
/// the WAMP "\u0000"+base64 convention (so the text parses back to the same value).
QString toPrettyJson(const wamp::Value &value, bool bytesAsHex = true, int indent = 2);
/// One-line JSON (same bytes convention as toPrettyJson).
QString toCompactJson(const wamp::Value &value, bool bytesAsHex = true);

} // namespace wb::inspect
