// SPDX-License-Identifier: GPL-3.0-or-later
#include "inspect/hexdump.h"

namespace wb::inspect {

QString hexDump(const QByteArray &bytes, qsizetype maxBytes)
{
    QString out;
    const qsizetype n = qMin(bytes.size(), maxBytes);
    for (qsizetype off = 0; off < n; off += 16) {
        out += QStringLiteral("%1  ").arg(off, 6, 16, QLatin1Char('0'));
        QString ascii;
        for (qsizetype i = off; i < off + 16; ++i) {
            if (i < n) {
                const auto c = quint8(bytes.at(i));
                out += QStringLiteral("%1 ").arg(c, 2, 16, QLatin1Char('0'));
                ascii += (c >= 0x20 && c < 0x7f) ? QChar(QLatin1Char(char(c))) : QChar(QLatin1Char('.'));
            } else {
                out += QStringLiteral("   ");
            }
        }
        out += QLatin1Char(' ') + ascii + QLatin1Char('\n');
    }
    if (bytes.size() > n)
        out += QStringLiteral("… (%1 more bytes)\n").arg(bytes.size() - n);
    return out;
}

} // namespace wb::inspect
