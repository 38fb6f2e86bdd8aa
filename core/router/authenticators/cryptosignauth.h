// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "authenticator.h"

namespace wb::router::auth {

/// "cryptosign" (wamp-notes §9.3): CHALLENGE with 32 random bytes (hex, channel_binding null); AUTHENTICATE must be
/// hex(Ed25519 signature || challenge) and verify under the public key the client announced in HELLO.authextra.pubkey,
/// which must be one of the user's authorized_keys. Channel binding is not supported (selectAuthenticator refuses it).
class CryptosignAuthenticator final : public Authenticator
{
public:
    CryptosignAuthenticator(UserConfig user, QByteArray publicKey)
        : m_user(std::move(user)), m_publicKey(std::move(publicKey))
    {
    }
    QString method() const override { return QStringLiteral("cryptosign"); }
    AuthStep start() override;
    AuthStep authenticate(const QString &signature, const wamp::Dict &extra) override;

    /// The 32 challenge bytes sent (empty before start()); for tests.
    QByteArray challenge() const { return m_challenge; }

private:
    UserConfig m_user;
    QByteArray m_publicKey;
    QByteArray m_challenge;
};

} // namespace wb::router::auth
