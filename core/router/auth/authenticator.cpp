// SPDX-License-Identifier: GPL-3.0-or-later
#include "authenticator.h"

#include "anonymousauth.h"
#include "ticketauth.h"
#include "wampcraauth.h"
#include "wamp/errors.h"

#include <QRandomGenerator>

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

std::unique_ptr<Authenticator> selectAuthenticator(const HelloInfo &hello, const RealmConfig &realm,
                                                   const QList<UserConfig> &users, AuthStep *failure)
{
    const QStringList offered = hello.authmethods.isEmpty() ? QStringList{QStringLiteral("anonymous")} : hello.authmethods;
    bool offeredCredentialMethod = false;
    for (const QString &method : offered) {
        if (method == u"anonymous") {
            if (realm.allowAnonymous)
                return std::make_unique<AnonymousAuthenticator>(realm.anonymousRole);
            continue;
        }
        if (method != u"ticket" && method != u"wampcra")
            continue;
        offeredCredentialMethod = true;
        if (hello.authid.isEmpty())
            continue;
        for (const UserConfig &u : users) {
            if (u.authid != hello.authid || u.authmethod != method || !userAllowedOnRealm(u, hello.realm))
                continue;
            if (method == u"ticket")
                return std::make_unique<TicketAuthenticator>(u);
            return std::make_unique<WampCraAuthenticator>(u, hello.sessionId);
        }
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
