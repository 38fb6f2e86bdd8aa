// SPDX-License-Identifier: GPL-3.0-or-later
#include "wampcraauth.h"

#include "auth/wampcra.h"
#include "wamp/errors.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>

namespace wb::router::auth {

AuthStep WampCraAuthenticator::start()
{
    QByteArray nonce;
    for (int i = 0; i < 18; ++i)
        nonce.append(char(QRandomGenerator::system()->bounded(256)));

    QJsonObject obj;
    obj.insert(QStringLiteral("authid"), m_user.authid);
    obj.insert(QStringLiteral("authrole"), m_user.authrole);
    obj.insert(QStringLiteral("authmethod"), method());
    obj.insert(QStringLiteral("authprovider"), QStringLiteral("static"));
    obj.insert(QStringLiteral("nonce"), QString::fromLatin1(nonce.toBase64(QByteArray::Base64UrlEncoding)));
    obj.insert(QStringLiteral("timestamp"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs));
    // Session IDs are <= 2^53, exact in a JSON number (and Qt 6 keeps qint64 exact anyway).
    obj.insert(QStringLiteral("session"), qint64(m_sessionId));
    // Serialized once; authenticate() verifies against exactly these bytes.
    m_challenge = QString::fromUtf8(QJsonDocument(obj).toJson(QJsonDocument::Compact));

    wamp::Dict extra{{QStringLiteral("challenge"), m_challenge}};
    if (!m_user.salt.isEmpty()) {
        extra.insert(QStringLiteral("salt"), m_user.salt);
        extra.insert(QStringLiteral("iterations"), m_user.iterations);
        extra.insert(QStringLiteral("keylen"), m_user.keylen);
    }
    return AuthStep::challengeWith(wamp::Message::challenge(method(), extra));
}

AuthStep WampCraAuthenticator::authenticate(const QString &signature, const wamp::Dict &)
{
    const QByteArray key = m_user.salt.isEmpty()
                               ? m_user.secret.toUtf8()
                               : wb::auth::craDeriveKey(m_user.secret, m_user.salt, m_user.iterations, m_user.keylen);
    const QString expected = wb::auth::craSign(key, m_challenge);
    if (m_challenge.isEmpty() || !wb::auth::constantTimeEquals(expected.toUtf8(), signature.toUtf8()))
        return AuthStep::abort(wamp::uris::authenticationDenied,
                               QStringLiteral("wrong WAMP-CRA signature for authid %1").arg(m_user.authid));
    return AuthStep::welcome(m_user.authid, m_user.authrole, method());
}

} // namespace wb::router::auth
