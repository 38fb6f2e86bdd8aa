// SPDX-License-Identifier: GPL-3.0-or-later
#include "wampcra.h"

#include <QCryptographicHash>
#include <QMessageAuthenticationCode>
#include <QPasswordDigestor>

namespace wb::auth {

QByteArray craDeriveKey(const QString &secret, const QString &salt, int iterations, int keyLength)
{
    const QByteArray dk = QPasswordDigestor::deriveKeyPbkdf2(QCryptographicHash::Sha256, secret.toUtf8(),
                                                             salt.toUtf8(), iterations, quint64(keyLength));
    return dk.toBase64();
}

QString craSign(const QByteArray &key, const QString &challenge)
{
    return QString::fromLatin1(
        QMessageAuthenticationCode::hash(challenge.toUtf8(), key, QCryptographicHash::Sha256).toBase64());
}

bool constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a.at(i) ^ b.at(i));
    return diff == 0;
}

} // namespace wb::auth
