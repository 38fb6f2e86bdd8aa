// SPDX-License-Identifier: GPL-3.0-or-later
#include "scramauth.h"

#include "wamp/errors.h"

namespace wb::router::auth {

AuthStep ScramAuthenticator::start()
{
    m_params.kdf = m_user.kdf;
    m_params.salt = m_user.salt;
    m_params.iterations = m_user.iterations;
    m_params.memory = m_user.memory;
    if (m_params.kdf.isEmpty())
        m_params.kdf = wb::auth::kScramKdfArgon2id;
    if (m_params.salt.isEmpty() && m_user.storedKey.isEmpty())
        m_params.salt = wb::auth::defaultScramParams(m_params.kdf).salt; // a plain password given in code
    if (!m_user.storedKey.isEmpty()) {
        m_keys = {QByteArray::fromHex(m_user.storedKey.toLatin1()), QByteArray::fromHex(m_user.serverKey.toLatin1())};
    } else {
        // A configuration built in code with a plain password (the config file derives the keys at load).
        const auto keys = wb::auth::scramDeriveKeys(m_user.secret, m_params);
        if (!keys)
            return AuthStep::abort(wamp::uris::authenticationFailed,
                                   QStringLiteral("SCRAM credentials of %1 are unusable: %2").arg(m_user.authid, keys.errorString()));
        m_keys = *keys;
    }
    m_nonce = m_clientNonce + wb::auth::scramNonce();
    wamp::Dict extra{
        {QStringLiteral("nonce"), m_nonce},
        {QStringLiteral("salt"), m_params.salt},
        {QStringLiteral("kdf"), m_params.kdf},
        {QStringLiteral("iterations"), qint64(m_params.iterations)},
    };
    if (m_params.kdf == wb::auth::kScramKdfArgon2id)
        extra.insert(QStringLiteral("memory"), qint64(m_params.memory));
    return AuthStep::challengeWith(wamp::Message::challenge(method(), extra));
}

AuthStep ScramAuthenticator::authenticate(const QString &signature, const wamp::Dict &extra)
{
    const wamp::Value nonce = extra.value(QStringLiteral("nonce"));
    if (nonce.isString() && nonce.toString() != m_nonce)
        return AuthStep::abort(wamp::uris::authenticationDenied,
                               QStringLiteral("SCRAM nonce in AUTHENTICATE is not the one of the CHALLENGE"));
    const auto proof = QByteArray::fromBase64Encoding(signature.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
    const QByteArray authMessage = wb::auth::scramAuthMessage(m_user.authid, m_clientNonce, m_nonce, m_params);
    if (m_nonce.isEmpty() || !proof || !wb::auth::scramVerifyClientProof(m_keys.storedKey, authMessage, proof.decoded))
        return AuthStep::abort(wamp::uris::authenticationDenied,
                               QStringLiteral("wrong SCRAM proof for authid %1 (wrong password?)").arg(m_user.authid));
    AuthStep step = AuthStep::welcome(m_user.authid, m_user.authrole, method());
    step.authextra.insert(QStringLiteral("scram_server_signature"),
                          QString::fromLatin1(wb::auth::scramServerSignature(m_keys.serverKey, authMessage).toBase64()));
    return step;
}

} // namespace wb::router::auth
