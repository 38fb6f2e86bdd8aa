// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "authenticator.h"

namespace wb::router::auth {

/// "wampcra" (wamp-notes §9.2): the challenge is a JSON string built once; the signature is verified against
/// exactly those bytes. Salted users get salt/iterations/keylen in the CHALLENGE and the HMAC key is the base64
/// text of the PBKDF2 output.
class WampCraAuthenticator final : public Authenticator
{
public:
    WampCraAuthenticator(UserConfig user, quint64 sessionId) : m_user(std::move(user)), m_sessionId(sessionId) {}
    QString method() const override { return QStringLiteral("wampcra"); }
    AuthStep start() override;
    AuthStep authenticate(const QString &signature, const wamp::Dict &extra) override;

    /// The challenge string sent (empty before start()); for tests.
    QString challengeString() const { return m_challenge; }

private:
    UserConfig m_user;
    quint64 m_sessionId = 0;
    QString m_challenge;
};

} // namespace wb::router::auth
