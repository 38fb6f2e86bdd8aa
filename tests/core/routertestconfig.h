// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// What the tst_router_* executables share: the realms and users of their router, and small message helpers.

#include "fakes/fakepeer.h"
#include "fakes/routerharness.h"
#include "fakes/testutil.h"

#include "router/routerconfig.h"
#include "wamp/message.h"

#include <QTest>

namespace wb::testing::routertests {

inline const QString kRealm = QStringLiteral("realm1");

/// ws + rs on port 0; realm1 (anonymous) and "private" (no anonymous); ticket users alice (admin) and bob (realm1
/// only); WAMP-CRA users peter and salty (salted).
inline router::RouterConfig testConfig()
{
    router::RouterConfig c = RouterHarness::baseConfig(kRealm);
    router::RealmConfig priv;
    priv.name = s("private");
    priv.allowAnonymous = false;
    c.realms.append(priv);
    router::UserConfig alice;
    alice.authid = s("alice");
    alice.authmethod = s("ticket");
    alice.secret = s("s3cret");
    alice.authrole = s("admin");
    router::UserConfig peter;
    peter.authid = s("peter");
    peter.authmethod = s("wampcra");
    peter.secret = s("secret123");
    router::UserConfig salty = peter;
    salty.authid = s("salty");
    salty.salt = s("salt123");
    salty.iterations = 1000;
    salty.keylen = 32;
    router::UserConfig onlyPublic = alice;
    onlyPublic.authid = s("bob");
    onlyPublic.realms = {kRealm};
    c.users = {alice, peter, salty, onlyPublic};
    return c;
}

inline wamp::Value bigInt() { return wamp::Value(qint64(9007199254740992ll)); } // 2^53, the largest ID

/// Events carry details; a message's element as dict.
inline wamp::Dict dictAt(const wamp::Message &m, int pos) { return m.at(pos).toDict(); }

/// The session \a b keeps being served: an acknowledged publish comes back PUBLISHED.
inline void checkStillServing(FakePeer *b)
{
    const quint64 req = b->nextRequestId();
    b->send(wamp::Message::publish(req, {{s("acknowledge"), true}}, s("com.still.alive"), {1}));
    const auto reply = b->waitReply(req, {wamp::MessageType::Published});
    QVERIFY(reply);
    QCOMPARE(reply->type(), wamp::MessageType::Published);
}

} // namespace wb::testing::routertests
