// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The traffic log's hex view of raw message bytes.

#include <QByteArray>
#include <QString>

namespace wb::inspect {

/// "000000  00 0a ff ...  ..." 16 bytes per line with an offset column and an ASCII column, at most \a maxBytes
/// (then "… (N more bytes)").
QString hexDump(const QByteArray &bytes, qsizetype maxBytes = 64 * 1024);

} // namespace wb::inspect
