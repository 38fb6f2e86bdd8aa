// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Router-side authentication (wamp-notes §9): one Authenticator per joining session, picked from
// HELLO.authmethods, the realm's anonymous policy and the configured users.

#include "router/routerconfig.h"
#include "wamp/message.h"

#include <memory>

namespace wb::router::auth {

/// What the session should do next.
struct AuthStep
{
    enum class Kind { Welcome, Challenge, Abort };
    Kind kind = Kind::Abort;
    // Welcome: the principal
    QString authid;
    QString authrole;
    QString authmethod;
    QString authprovider = QStringLiteral("static");
    wamp::Dict authextra; ///< WELCOME.Details.authextra (e.g. SCRAM's scram_server_signature); empty = left out
    // Challenge
    wamp::Message challenge;
    // Abort
    QString reason;  ///< wamp.error.* URI
    QString message; ///< human-readable, goes to ABORT.Details.message and the log

    static AuthStep welcome(QString authid, QString authrole, QString authmethod);
    static AuthStep abort(QString reason, QString message);
    static AuthStep challengeWith(wamp::Message challenge);
};

/// What the router knows about a HELLO when it picks a method.
struct HelloInfo
{
    QString realm;
    QString authid;            ///< HELLO.Details.authid (may be empty)
    QStringList authmethods;   ///< HELLO.Details.authmethods; empty list means anonymous
    wamp::Dict authextra;      ///< HELLO.Details.authextra (cryptosign pubkey, SCRAM nonce, channel_binding)
    quint64 sessionId = 0;     ///< the ID the session will get (WAMP-CRA puts it into the challenge)
};

class Authenticator
{
public:
    virtual ~Authenticator() = default;
    virtual QString method() const = 0;
    /// First step after HELLO: WELCOME at once (anonymous) or a CHALLENGE.
    virtual AuthStep start() = 0;
    /// AUTHENTICATE from the client.
    virtual AuthStep authenticate(const QString &signature, const wamp::Dict &extra) = 0;
};

/// Picks the first method the client offers that is usable: "anonymous" when the realm allows it, "ticket",
/// "wampcra" or "scram" when a user with that authid and method is configured for the realm, "cryptosign" when
/// HELLO.authextra.pubkey is among the authorized_keys of a cryptosign user (of that authid, when one is given).
/// On failure returns an Abort step in \a failure and nullptr: no_such_principal (unknown authid),
/// authentication_denied (public key not authorized), authentication_failed (malformed authextra, channel binding
/// requested), no_matching_auth_method.
std::unique_ptr<Authenticator> selectAuthenticator(const HelloInfo &hello, const RealmConfig &realm,
                                                   const QList<UserConfig> &users, AuthStep *failure);

/// Random authid for anonymous sessions, e.g. "QX7M-4KJ9-TR2C-8WPE".
QString randomAuthid();

} // namespace wb::router::auth
