// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Indented JSON for display (exact 64-bit integers; bytes as the WAMP JSON convention "\u0000"+base64 would be
// unreadable, so they are shown as {"$bytes": "hex"}). Never for the wire: use the JSON serializer.

#include "wamp/value.h"

#include <QByteArray>
#include <QString>

namespace wb::capture {

QString prettyJson(const wamp::Value &value, int indent = 2);
/// "00 0a ff ..." 16 bytes per line with an offset column, at most \a maxBytes (then "…").
QString hexDump(const QByteArray &bytes, qsizetype maxBytes = 64 * 1024);

} // namespace wb::capture
