// SPDX-License-Identifier: GPL-3.0-or-later
#include "authenticator.h"

#include "anonymousauth.h"
#include "cryptosignauth.h"
#include "scramauth.h"
#include "ticketauth.h"
#include "wampcraauth.h"
#include "auth/cryptosign.h"
#include "wamp/errors.h"

#include <QRandomGenerator>

#include <optional>

namespace wb::router::auth {

AuthStep AuthStep::welcome(QString authid, QString authrole, QString authmethod)
{
    AuthStep s;
    s.kind = Kind::Welcome;
    s.authid = std::move(authid);
    s.authrole = std::move(authrole);
    s.authmethod = std::move(authmethod);
    return s;
}

AuthStep AuthStep::abort(QString reason, QString message)
{
    AuthStep s;
    s.kind = Kind::Abort;
    s.reason = std::move(reason);
    s.message = std::move(message);
    return s;
}

AuthStep AuthStep::challengeWith(wamp::Message challenge)
{
    AuthStep s;
    s.kind = Kind::Challenge;
    s.challenge = std::move(challenge);
    return s;
}

QString randomAuthid()
{
    // Crockford-like alphabet without look-alikes, grouped like Crossbar's anonymous authids.
    static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    QString id;
    for (int i = 0; i < 16; ++i) {
        if (i > 0 && i % 4 == 0)
            id += QLatin1Char('-');
        id += QLatin1Char(alphabet[QRandomGenerator::system()->bounded(int(sizeof(alphabet) - 1))]);
    }
    return id;
}

static bool userAllowedOnRealm(const UserConfig &u, const QString &realm)
{
    return u.realms.isEmpty() || u.realms.contains(realm);
}

/// HELLO.authextra.channel_binding: absent or null is fine; anything else is refused (not supported).
static bool channelBindingRequested(const HelloInfo &hello)
{
    const wamp::Value cb = hello.authextra.value(QStringLiteral("channel_binding"));
    return !cb.isNull();
}

/// "cryptosign": the user whose authorized_keys hold HELLO.authextra.pubkey (and whose authid matches, when given).
static std::unique_ptr<Authenticator> selectCryptosign(const HelloInfo &hello, const QList<UserConfig> &users,
                                                       std::optional<AuthStep> &failure)
{
    bool candidates = false; // is cryptosign configured for this principal (or anyone, without authid) at all?
    for (const UserConfig &u : users) {
        if (u.authmethod == u"cryptosign" && userAllowedOnRealm(u, hello.realm)
            && (hello.authid.isEmpty() || u.authid == hello.authid))
            candidates = true;
    }
    if (!candidates)
        return nullptr;
    const wamp::Value pubkeyValue = hello.authextra.value(QStringLiteral("pubkey"));
    if (!pubkeyValue.isString()) {
        failure = AuthStep::abort(wamp::uris::authenticationFailed,
                                  QStringLiteral("cryptosign needs HELLO.Details.authextra.pubkey (64 hex characters)"));
        return nullptr;
    }
    const auto pubkey = wb::auth::decodeHex(pubkeyValue.toString(), wb::auth::kEd25519PublicKeyBytes,
                                            QStringLiteral("HELLO.Details.authextra.pubkey"));
    if (!pubkey) {
        failure = AuthStep::abort(wamp::uris::authenticationFailed, pubkey.errorString());
        return nullptr;
    }
    if (channelBindingRequested(hello)) {
        failure = AuthStep::abort(wamp::uris::authenticationFailed,
                                  QStringLiteral("cryptosign channel binding (%1) is not supported by this router")
                                      .arg(hello.authextra.value(QStringLiteral("channel_binding")).toDebugString()));
        return nullptr;
    }
    const QString keyHex = QString::fromLatin1(pubkey->toHex());
    bool authidHasCryptosign = false;
    for (const UserConfig &u : users) {
        if (u.authmethod != u"cryptosign" || !userAllowedOnRealm(u, hello.realm))
            continue;
        if (!hello.authid.isEmpty() && u.authid != hello.authid)
            continue;
        authidHasCryptosign = true;
        if (u.authorizedKeys.contains(keyHex))
            return std::make_unique<CryptosignAuthenticator>(u, *pubkey);
    }
    if (hello.authid.isEmpty() || authidHasCryptosign) {
        failure = AuthStep::abort(wamp::uris::authenticationDenied,
                                  hello.authid.isEmpty()
                                      ? QStringLiteral("public key %1 is not authorized on realm %2").arg(keyHex, hello.realm)
                                      : QStringLiteral("public key %1 is not among the authorized_keys of %2 on realm %3")
                                            .arg(keyHex, hello.authid, hello.realm));
    }
    return nullptr;
}

std::unique_ptr<Authenticator> selectAuthenticator(const HelloInfo &hello, const RealmConfig &realm,
                                                   const QList<UserConfig> &users, AuthStep *failure)
{
    const QStringList offered = hello.authmethods.isEmpty() ? QStringList{QStringLiteral("anonymous")} : hello.authmethods;
    bool offeredCredentialMethod = false;
    std::optional<AuthStep> methodFailure; // a specific reason found on the way (cryptosign key, SCRAM extras)
    for (const QString &method : offered) {
        if (method == u"anonymous") {
            if (realm.allowAnonymous)
                return std::make_unique<AnonymousAuthenticator>(realm.anonymousRole);
            continue;
        }
        if (method == u"cryptosign") {
            std::optional<AuthStep> f;
            if (auto a = selectCryptosign(hello, users, f))
                return a;
            if (f && !methodFailure)
                methodFailure = f;
            if (!hello.authid.isEmpty())
                offeredCredentialMethod = true;
            continue;
        }
        if (method != u"ticket" && method != u"wampcra" && method != u"scram")
            continue;
        offeredCredentialMethod = true;
        if (hello.authid.isEmpty())
            continue;
        for (const UserConfig &u : users) {
            if (u.authid != hello.authid || u.authmethod != method || !userAllowedOnRealm(u, hello.realm))
                continue;
            if (method == u"ticket")
                return std::make_unique<TicketAuthenticator>(u);
            if (method == u"wampcra")
                return std::make_unique<WampCraAuthenticator>(u, hello.sessionId);
            const wamp::Value nonce = hello.authextra.value(QStringLiteral("nonce"));
            if (!nonce.isString() || nonce.toString().isEmpty()) {
                if (!methodFailure)
                    methodFailure = AuthStep::abort(wamp::uris::authenticationFailed,
                                                    QStringLiteral("scram needs HELLO.Details.authextra.nonce (base64)"));
                break;
            }
            if (channelBindingRequested(hello)) {
                if (!methodFailure)
                    methodFailure = AuthStep::abort(wamp::uris::authenticationFailed,
                                                    QStringLiteral("SCRAM channel binding is not supported by this router"));
                break;
            }
            return std::make_unique<ScramAuthenticator>(u, nonce.toString());
        }
    }
    if (methodFailure) {
        *failure = *methodFailure;
        return nullptr;
    }

    // Nothing usable. Tell an unknown principal apart from a known one that offered the wrong methods.
    bool principalKnown = false;
    for (const UserConfig &u : users) {
        if (u.authid == hello.authid && userAllowedOnRealm(u, hello.realm))
            principalKnown = true;
    }
    if (offeredCredentialMethod && !principalKnown) {
        *failure = AuthStep::abort(wamp::uris::noSuchPrincipal,
                                   hello.authid.isEmpty()
                                       ? QStringLiteral("HELLO offers %1 but has no authid").arg(offered.join(QStringLiteral(", ")))
                                       : QStringLiteral("no principal with authid %1 on realm %2").arg(hello.authid, hello.realm));
        return nullptr;
    }
    QStringList usable;
    if (realm.allowAnonymous)
        usable.append(QStringLiteral("anonymous"));
    for (const UserConfig &u : users) {
        if (u.authid == hello.authid && userAllowedOnRealm(u, hello.realm) && !usable.contains(u.authmethod))
            usable.append(u.authmethod);
    }
    *failure = AuthStep::abort(
        wamp::uris::noMatchingAuthMethod,
        QStringLiteral("none of the offered authmethods (%1) is accepted on realm %2%3")
            .arg(offered.join(QStringLiteral(", ")), hello.realm,
                 usable.isEmpty() ? QString() : QStringLiteral("; usable: ") + usable.join(QStringLiteral(", "))));
    return nullptr;
}

} // namespace wb::router::auth
