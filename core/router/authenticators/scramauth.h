// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "authenticator.h"

#include "auth/scram.h"

namespace wb::router::auth {

/// "scram" (wamp-notes §9.4, the Autobahn/Crossbar variant, see auth/scram.h): CHALLENGE with the combined nonce,
/// salt, kdf, iterations and memory; AUTHENTICATE carries base64(ClientProof), checked against the stored key;
/// WELCOME.authextra.scram_server_signature lets the client authenticate the router.
class ScramAuthenticator final : public Authenticator
{
public:
    ScramAuthenticator(UserConfig user, QString clientNonce) : m_user(std::move(user)), m_clientNonce(std::move(clientNonce)) {}
    QString method() const override { return QStringLiteral("scram"); }
    AuthStep start() override;
    AuthStep authenticate(const QString &signature, const wamp::Dict &extra) override;

private:
    UserConfig m_user;
    QString m_clientNonce;
    QString m_nonce;
    wb::auth::ScramParams m_params;
    wb::auth::ScramKeys m_keys;
};

} // namespace wb::router::auth
