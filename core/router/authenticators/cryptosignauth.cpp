// SPDX-License-Identifier: GPL-3.0-or-later
#include "cryptosignauth.h"

#include "auth/cryptosign.h"
#include "wamp/errors.h"

namespace wb::router::auth {

AuthStep CryptosignAuthenticator::start()
{
    m_challenge = wb::auth::randomBytes(wb::auth::kCryptosignChallengeBytes);
    const wamp::Dict extra{
        {QStringLiteral("challenge"), QString::fromLatin1(m_challenge.toHex())},
        {QStringLiteral("channel_binding"), wamp::Value()},
    };
    return AuthStep::challengeWith(wamp::Message::challenge(method(), extra));
}

AuthStep CryptosignAuthenticator::authenticate(const QString &signature, const wamp::Dict &)
{
    QString why;
    if (m_challenge.isEmpty() || !wb::auth::cryptosignVerify(m_publicKey, signature, m_challenge, &why))
        return AuthStep::abort(wamp::uris::authenticationDenied,
                               QStringLiteral("cryptosign signature rejected for authid %1: %2").arg(m_user.authid, why));
    return AuthStep::welcome(m_user.authid, m_user.authrole, method());
}

} // namespace wb::router::auth
