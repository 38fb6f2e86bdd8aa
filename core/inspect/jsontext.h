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

/// How bytes values are shown. Wamp: the WAMP JSON convention "\u0000"+base64, which parseJsonText() (the
/// editors) and the CLI read back as the same bytes, so it is what every display uses. Hex: "0x0a0b..." as a plain
/// string, for text where a value is spliced into a string and never parsed back (mock templates).
enum class BytesStyle { Wamp, Hex };

struct JsonTextOptions
{
    int indent = 2;      ///< spaces per level; 0 = one line without spaces
    int inlineWidth = 0; ///< with indent > 0: lists/dicts whose one-line form ("[1, 2]") fits stay on one line
    BytesStyle bytes = BytesStyle::Wamp;
};

/// The one display-JSON printer (panels, traffic log, event log): exact 64-bit integers, shortest round-trip
/// doubles with ".0" kept, non-finite doubles as null, strings escaped as wamp::appendJsonString(). Never for the
/// wire: use the JSON serializer.
QString toJsonText(const wamp::Value &value, const JsonTextOptions &options = {});
/// Indented JSON, every container expanded.
QString toPrettyJson(const wamp::Value &value, BytesStyle bytes = BytesStyle::Wamp, int indent = 2);
/// One-line JSON without spaces.
QString toCompactJson(const wamp::Value &value, BytesStyle bytes = BytesStyle::Wamp);

} // namespace wb::inspect
