// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// WAMP-CRA (wamp-notes §9.2): HMAC-SHA256 over the challenge string exactly as received.

#include <QByteArray>
#include <QString>

namespace wb::auth {

/// PBKDF2-HMAC-SHA256(secret, salt as UTF-8 text, iterations, keylen), returned as base64 *text*:
/// that text (not the raw bytes) is the HMAC key for salted secrets, as in Autobahn and Crossbar.
QByteArray craDeriveKey(const QString &secret, const QString &salt, int iterations, int keyLength);

/// base64(HMAC-SHA256(key, challenge UTF-8 bytes))
QString craSign(const QByteArray &key, const QString &challenge);

/// Constant-time comparison of two signatures.
bool constantTimeEquals(const QByteArray &a, const QByteArray &b);

} // namespace wb::auth
