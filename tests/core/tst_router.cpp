// SPDX-License-Identifier: GPL-3.0-or-later
// In-process tests of the built-in router: a Router on 127.0.0.1 port 0 and scripted fake peers over real
// WebSocket and RawSocket transports. Most tests run once per transport (data rows "ws" and "rs").

#include "fakes/fakepeer.h"

#include "auth/cryptosign.h"
#include "auth/scram.h"
#include "auth/wampcra.h"
#include "codec/serializer.h"
#include "router/router.h"
#include "wamp/errors.h"
#include "wamp/ids.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <QWebSocket>
#include <QWebSocketHandshakeOptions>

#include <memory>
#include <vector>

using namespace wb;
using namespace wb::wamp;
using wb::codec::SerializerId;
using wb::router::Router;
using wb::router::RouterConfig;
using wb::router::SessionInfo;
using wb::testing::FakePeer;

namespace {

QString s(const char *t) { return QString::fromUtf8(t); }
const QString kRealm = QStringLiteral("realm1");

RouterConfig testConfig()
{
    RouterConfig c;
    c.listeners = {router::ListenerConfig{QUrl(s("ws://127.0.0.1:0/ws"))}, router::ListenerConfig{QUrl(s("rs://127.0.0.1:0"))}};
    router::RealmConfig realm1;
    realm1.name = kRealm;
    router::RealmConfig priv;
    priv.name = s("private");
    priv.allowAnonymous = false;
    c.realms = {realm1, priv};
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

// WAMP-cryptosign: the spec's key pair (wamp-notes §9.3) and a second key of the same user.
const QByteArray kDeviceSeed = QByteArray::fromHex("4d57d97a68f555696620a6d849c0ce582568518d729eb753dc7c732de2804510");
const QByteArray kDeviceSeed2 = QByteArray(32, '\x07');
const QByteArray kStrangerSeed = QByteArray(32, '\x42');
const QString kScramSalt = QStringLiteral("W22ZaJ0SNY7soEsUEjb6gQ==");

/// testConfig() plus cryptosign users (device7 with two keys, only on realm1; vault on private) and SCRAM users
/// (carol: argon2id from a plain password; dave: pbkdf2 stored credentials).
RouterConfig strongAuthConfig()
{
    RouterConfig c = testConfig();
    router::UserConfig device;
    device.authid = s("device7");
    device.authmethod = s("cryptosign");
    device.authrole = s("device");
    device.authorizedKeys = {QString::fromLatin1(auth::ed25519KeyPairFromSeed(kDeviceSeed).publicKey.toHex()),
                             QString::fromLatin1(auth::ed25519KeyPairFromSeed(kDeviceSeed2).publicKey.toHex())};
    device.realms = {kRealm};
    router::UserConfig carol;
    carol.authid = s("carol");
    carol.authmethod = s("scram");
    carol.secret = s("pencil");
    carol.kdf = auth::kScramKdfArgon2id;
    carol.salt = kScramSalt;
    carol.iterations = 2;
    carol.memory = 1024;
    router::UserConfig dave;
    dave.authid = s("dave");
    dave.authmethod = s("scram");
    dave.authrole = s("ops");
    dave.kdf = auth::kScramKdfPbkdf2;
    dave.salt = kScramSalt;
    dave.iterations = 4096;
    const auto keys = auth::scramDeriveKeys(s("pencil"), {dave.kdf, dave.salt, dave.iterations, 0});
    dave.storedKey = QString::fromLatin1(keys->storedKey.toHex());
    dave.serverKey = QString::fromLatin1(keys->serverKey.toHex());
    c.users += {device, carol, dave};
    return c;
}

Value bigInt() { return Value(qint64(9007199254740992ll)); } // 2^53, the largest ID

/// Events carry details; find a message's element as dict.
Dict dictAt(const Message &m, int pos) { return m.at(pos).toDict(); }

} // namespace

class TstRouter : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<Router> m_router;
    std::vector<std::unique_ptr<FakePeer>> m_peers;
    QStringList m_log;
    QString m_error;

    QUrl urlFor(const QString &kind) const
    {
        for (const QUrl &u : m_router->listeningUrls()) {
            if ((kind == u"ws" && u.scheme() == u"ws") || (kind == u"rs" && u.scheme() == u"rs"))
                return u;
        }
        return {};
    }

    bool startRouter(const RouterConfig &config)
    {
        m_peers.clear();
        m_router = std::make_unique<Router>(config);
        connect(m_router.get(), &Router::logMessage, this, [this](const QString &t) { m_log.append(t); });
        const Status st = m_router->start();
        m_error = st.errorString();
        return st.ok();
    }

    FakePeer *peer(const QString &kind, SerializerId ser = SerializerId::Json)
    {
        auto p = std::make_unique<FakePeer>();
        if (!p->connectTo(urlFor(kind), ser)) {
            m_error = p->errorString();
            return nullptr;
        }
        m_peers.push_back(std::move(p));
        return m_peers.back().get();
    }

    /// Connected and joined to realm1 (anonymous).
    FakePeer *joined(const QString &kind, SerializerId ser = SerializerId::Json, Dict details = {})
    {
        FakePeer *p = peer(kind, ser);
        if (!p)
            return nullptr;
        if (!p->join(kRealm, std::move(details))) {
            m_error = p->errorString();
            return nullptr;
        }
        return p;
    }

    bool logContains(const QString &text) const
    {
        for (const QString &l : m_log) {
            if (l.contains(text))
                return true;
        }
        return false;
    }

    static void addTransportRows()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("ws") << s("ws");
        QTest::newRow("rs") << s("rs");
    }

    /// The second session keeps being served: publish with acknowledge, call a procedure.
    void checkStillServing(FakePeer *b)
    {
        const quint64 req = b->nextRequestId();
        b->send(Message::publish(req, {{s("acknowledge"), true}}, s("com.still.alive"), {1}));
        const auto reply = b->waitReply(req, {MessageType::Published});
        QVERIFY(reply);
        QCOMPARE(reply->type(), MessageType::Published);
    }

private slots:
    void init()
    {
        m_log.clear();
        QVERIFY2(startRouter(testConfig()), qPrintable(m_error));
    }

    void cleanup()
    {
        m_peers.clear();
        m_router.reset();
    }

    // ------------------------------------------------------------------ sessions

    void welcome_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<SerializerId>("ser");
        QTest::newRow("ws-json") << s("ws") << SerializerId::Json;
        QTest::newRow("ws-msgpack") << s("ws") << SerializerId::MsgPack;
        QTest::newRow("ws-cbor") << s("ws") << SerializerId::Cbor;
        QTest::newRow("rs-json") << s("rs") << SerializerId::Json;
        QTest::newRow("rs-msgpack") << s("rs") << SerializerId::MsgPack;
        QTest::newRow("rs-cbor") << s("rs") << SerializerId::Cbor;
    }
    void welcome()
    {
        QFETCH(QString, kind);
        QFETCH(SerializerId, ser);
        QSignalSpy joinedSpy(m_router.get(), &Router::sessionJoined);
        QSignalSpy leftSpy(m_router.get(), &Router::sessionLeft);
        FakePeer *p = peer(kind, ser);
        QVERIFY2(p, qPrintable(m_error));
        const auto w = p->hello(kRealm);
        QVERIFY(w);
        QCOMPARE(w->type(), MessageType::Welcome);
        const quint64 id = w->at(1).toUInt64().value_or(0);
        QVERIFY(isValidId(id));
        const Dict d = dictAt(*w, 2);
        QCOMPARE(d.value(s("realm")), Value(kRealm));
        QVERIFY(!d.value(s("authid")).toString().isEmpty());
        QCOMPARE(d.value(s("authrole")), Value(s("anonymous")));
        QCOMPARE(d.value(s("authmethod")), Value(s("anonymous")));
        QCOMPARE(d.value(s("authprovider")), Value(s("static")));
        QVERIFY(d.value(s("agent")).toString().startsWith(s("Wampscope ")));
        const Dict roles = d.value(s("roles")).toDict();
        QCOMPARE(roles.keys(), (QStringList{s("broker"), s("dealer")}));
        const Dict brokerFeatures = roles.value(s("broker")).value(s("features")).toDict();
        const Dict dealerFeatures = roles.value(s("dealer")).value(s("features")).toDict();
        QCOMPARE(brokerFeatures.keys(), (QStringList{s("event_history"), s("event_retention"),
                                                     s("pattern_based_subscription"), s("publisher_exclusion"),
                                                     s("publisher_identification"), s("session_meta_api"),
                                                     s("subscriber_blackwhite_listing"), s("subscription_meta_api")}));
        QCOMPARE(dealerFeatures.keys(), (QStringList{s("call_canceling"), s("call_timeout"), s("caller_identification"),
                                                     s("pattern_based_registration"), s("progressive_call_invocations"),
                                                     s("progressive_call_results"), s("registration_meta_api"),
                                                     s("session_meta_api"), s("shared_registration"),
                                                     s("testament_meta_api")}));
        for (const Value &v : brokerFeatures)
            QCOMPARE(v, Value(true));
        for (const Value &v : dealerFeatures)
            QCOMPARE(v, Value(true));

        QCOMPARE(joinedSpy.size(), 1);
        const auto info = joinedSpy.at(0).at(0).value<SessionInfo>();
        QCOMPARE(info.id, id);
        QCOMPARE(info.realm, kRealm);
        QCOMPARE(info.authid, d.value(s("authid")).toString());
        QCOMPARE(info.serializer, codec::serializerName(ser));
        QCOMPARE(info.transport, p->transport()->kind()); // same kind names on both ends
        QVERIFY(!info.peer.isEmpty());
        QCOMPARE(m_router->sessionCount(), 1);
        QCOMPARE(m_router->sessions().size(), 1);
        QCOMPARE(m_router->sessions().at(0).id, id);

        // GOODBYE from the client: GOODBYE reply, transport closed, sessionLeft exactly once.
        p->goodbye();
        const auto bye = p->waitFor(MessageType::Goodbye);
        QVERIFY(bye);
        QCOMPARE(bye->uri(), uris::closeGoodbyeAndOut);
        QCOMPARE(dictAt(*bye, 1), Dict());
        QVERIFY(p->waitClosed());
        QTRY_COMPARE(leftSpy.size(), 1);
        QCOMPARE(leftSpy.at(0).at(0).value<SessionInfo>().id, id);
        QCOMPARE(leftSpy.at(0).at(1).toString(), s("wamp.close.close_realm"));
        QCOMPARE(m_router->sessionCount(), 0);
        QCOMPARE(p->undecodable(), 0);
    }

    void uniqueSessionIds()
    {
        QSet<quint64> ids;
        for (int i = 0; i < 10; ++i) {
            FakePeer *p = joined(i % 2 ? s("ws") : s("rs"));
            QVERIFY2(p, qPrintable(m_error));
            ids.insert(p->sessionId());
        }
        QCOMPARE(ids.size(), 10);
        QCOMPARE(m_router->sessionCount(), 10);
    }

    void realms_data()
    {
        addTransportRows();
    }
    void realms()
    {
        QFETCH(QString, kind);
        FakePeer *p = peer(kind);
        QVERIFY(p);
        auto m = p->hello(s("no.such.realm"));
        QVERIFY(m);
        QCOMPARE(m->type(), MessageType::Abort);
        QCOMPARE(m->uri(), uris::noSuchRealm);
        QVERIFY(!dictAt(*m, 1).value(s("message")).toString().isEmpty());
        QVERIFY(p->waitClosed());

        FakePeer *q = peer(kind);
        QVERIFY(q);
        m = q->hello(s("bad realm"));
        QVERIFY(m);
        QCOMPARE(m->type(), MessageType::Abort);
        QCOMPARE(m->uri(), uris::invalidUri);
        QVERIFY(q->waitClosed());
        QCOMPARE(m_router->sessionCount(), 0);
    }

    void autoCreatedRealm()
    {
        RouterConfig c = testConfig();
        c.autoCreateRealms = true;
        QVERIFY(startRouter(c));
        FakePeer *p = peer(s("ws"));
        QVERIFY(p);
        const auto w = p->hello(s("com.example.fresh"));
        QVERIFY(w);
        QCOMPARE(w->type(), MessageType::Welcome);
        QCOMPARE(dictAt(*w, 2).value(s("realm")), Value(s("com.example.fresh")));
        // A second session lands in the same realm and can talk to the first.
        FakePeer *q = peer(s("rs"));
        QVERIFY(q);
        QVERIFY(q->join(s("com.example.fresh")));
        QVERIFY(p->subscribe(s("com.t")));
        q->send(Message::publish(q->nextRequestId(), {}, s("com.t"), {1}));
        QVERIFY(p->waitFor(MessageType::Event));
    }

    // ------------------------------------------------------------------ authentication

    void auth_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("realm");
        QTest::addColumn<QString>("authid");
        QTest::addColumn<QStringList>("authmethods");
        QTest::addColumn<QString>("secret");   ///< what the client answers with
        QTest::addColumn<QString>("expected"); ///< "welcome" or the ABORT reason
        QTest::addColumn<QString>("authrole");
        QTest::addColumn<QString>("authmethod");
        const QStringList anon{s("anonymous")};
        const QStringList ticket{s("ticket")};
        const QStringList cra{s("wampcra")};
        for (const QString &kind : {s("ws"), s("rs")}) {
            auto row = [&](const char *name) -> QTestData & { return QTest::addRow("%s-%s", qPrintable(kind), name); };
            row("anonymous-implicit") << kind << kRealm << QString() << QStringList() << QString() << s("welcome") << s("anonymous") << s("anonymous");
            row("anonymous-explicit") << kind << kRealm << QString() << anon << QString() << s("welcome") << s("anonymous") << s("anonymous");
            row("ticket-ok") << kind << kRealm << s("alice") << ticket << s("s3cret") << s("welcome") << s("admin") << s("ticket");
            row("ticket-wrong") << kind << kRealm << s("alice") << ticket << s("nope") << uris::authenticationDenied << QString() << QString();
            row("ticket-private-realm") << kind << s("private") << s("alice") << ticket << s("s3cret") << s("welcome") << s("admin") << s("ticket");
            row("wampcra-ok") << kind << kRealm << s("peter") << cra << s("secret123") << s("welcome") << s("user") << s("wampcra");
            row("wampcra-wrong") << kind << kRealm << s("peter") << cra << s("secret124") << uris::authenticationDenied << QString() << QString();
            row("wampcra-salted-ok") << kind << kRealm << s("salty") << cra << s("secret123") << s("welcome") << s("user") << s("wampcra");
            row("wampcra-salted-wrong") << kind << kRealm << s("salty") << cra << s("wrong") << uris::authenticationDenied << QString() << QString();
            row("first-usable-method") << kind << kRealm << s("peter") << QStringList{s("ticket"), s("wampcra"), s("anonymous")} << s("secret123") << s("welcome") << s("user") << s("wampcra");
            row("anonymous-fallback") << kind << kRealm << s("nobody") << QStringList{s("ticket"), s("anonymous")} << QString() << s("welcome") << s("anonymous") << s("anonymous");
            row("unknown-principal") << kind << kRealm << s("mallory") << ticket << s("x") << uris::noSuchPrincipal << QString() << QString();
            row("no-authid") << kind << kRealm << QString() << ticket << s("x") << uris::noSuchPrincipal << QString() << QString();
            row("anonymous-not-allowed") << kind << s("private") << QString() << anon << QString() << uris::noMatchingAuthMethod << QString() << QString();
            row("unsupported-method") << kind << kRealm << s("alice") << QStringList{s("cryptosign")} << QString() << uris::noMatchingAuthMethod << QString() << QString();
            row("wrong-method-for-user") << kind << kRealm << s("alice") << cra << s("s3cret") << uris::noMatchingAuthMethod << QString() << QString();
            row("user-not-on-realm") << kind << s("private") << s("bob") << ticket << s("s3cret") << uris::noSuchPrincipal << QString() << QString();
        }
    }
    void auth()
    {
        QFETCH(QString, kind);
        QFETCH(QString, realm);
        QFETCH(QString, authid);
        QFETCH(QStringList, authmethods);
        QFETCH(QString, secret);
        QFETCH(QString, expected);
        QFETCH(QString, authrole);
        QFETCH(QString, authmethod);

        FakePeer *p = peer(kind);
        QVERIFY2(p, qPrintable(m_error));
        Dict details;
        if (!authid.isEmpty())
            details.insert(s("authid"), authid);
        if (!authmethods.isEmpty()) {
            List methods;
            for (const QString &m : authmethods)
                methods.append(m);
            details.insert(s("authmethods"), methods);
        }
        auto m = p->hello(realm, details);
        QVERIFY(m);
        QString challengeString;
        if (m->type() == MessageType::Challenge) {
            const QString method = m->at(1).toString();
            const Dict extra = dictAt(*m, 2);
            QString signature;
            if (method == u"ticket") {
                QCOMPARE(extra, Dict());
                signature = secret;
            } else {
                QCOMPARE(method, s("wampcra"));
                challengeString = extra.value(s("challenge")).toString();
                QVERIFY(!challengeString.isEmpty());
                QByteArray key = secret.toUtf8();
                if (extra.contains(s("salt"))) {
                    QCOMPARE(extra.value(s("salt")), Value(s("salt123")));
                    QCOMPARE(extra.value(s("iterations")), Value(1000));
                    QCOMPARE(extra.value(s("keylen")), Value(32));
                    key = auth::craDeriveKey(secret, extra.value(s("salt")).toString(),
                                             int(extra.value(s("iterations")).toInt64().value_or(0)),
                                             int(extra.value(s("keylen")).toInt64().value_or(0)));
                } else {
                    QVERIFY(authid != u"salty");
                }
                signature = auth::craSign(key, challengeString);
            }
            p->send(Message::authenticate(signature, {}));
            m = p->waitFor(expected == u"welcome" ? MessageType::Welcome : MessageType::Abort);
            QVERIFY(m);
        }
        if (expected == u"welcome") {
            QCOMPARE(m->type(), MessageType::Welcome);
            const Dict d = dictAt(*m, 2);
            QCOMPARE(d.value(s("authrole")).toString(), authrole);
            QCOMPARE(d.value(s("authmethod")).toString(), authmethod);
            QCOMPARE(d.value(s("authprovider")).toString(), s("static"));
            QCOMPARE(d.value(s("realm")).toString(), realm);
            if (authmethod != u"anonymous")
                QCOMPARE(d.value(s("authid")).toString(), authid);
            else
                QVERIFY(!d.value(s("authid")).toString().isEmpty());
            if (!challengeString.isEmpty()) {
                // The challenge is a JSON object naming this principal and the session ID it was given.
                const QJsonObject c = QJsonDocument::fromJson(challengeString.toUtf8()).object();
                QCOMPARE(c.value(s("authid")).toString(), authid);
                QCOMPARE(c.value(s("authrole")).toString(), authrole);
                QCOMPARE(c.value(s("authmethod")).toString(), s("wampcra"));
                QCOMPARE(c.value(s("authprovider")).toString(), s("static"));
                QVERIFY(!c.value(s("nonce")).toString().isEmpty());
                QVERIFY(c.value(s("timestamp")).toString().endsWith(u'Z'));
                QCOMPARE(quint64(c.value(s("session")).toInteger()), m->at(1).toUInt64().value_or(0));
            }
            QTRY_COMPARE(m_router->sessionCount(), 1);
        } else {
            QCOMPARE(m->type(), MessageType::Abort);
            QCOMPARE(m->uri(), expected);
            const QString text = dictAt(*m, 1).value(s("message")).toString();
            QVERIFY(!text.isEmpty());
            if (expected == uris::authenticationDenied) {
                QVERIFY2(text.contains(authid), qPrintable(text));
                QVERIFY(logContains(s("authentication failed")));
            }
            QVERIFY(p->waitClosed());
            QCOMPARE(m_router->sessionCount(), 0);
        }
    }

    void cryptosign_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("realm");
        QTest::addColumn<QString>("authid");
        QTest::addColumn<QByteArray>("announcedSeed"); ///< its public key goes into HELLO.authextra.pubkey
        QTest::addColumn<QByteArray>("signingSeed");   ///< the key that signs the challenge
        QTest::addColumn<Dict>("extraAuthextra");
        QTest::addColumn<QString>("expected");         ///< "welcome" or the ABORT reason
        QTest::addColumn<QString>("messagePart");
        const Dict none;
        for (const QString &kind : {s("ws"), s("rs")}) {
            auto row = [&](const char *name) -> QTestData & { return QTest::addRow("%s-%s", qPrintable(kind), name); };
            row("ok") << kind << kRealm << s("device7") << kDeviceSeed << kDeviceSeed << none << s("welcome") << QString();
            row("ok-second-key") << kind << kRealm << s("device7") << kDeviceSeed2 << kDeviceSeed2 << none << s("welcome") << QString();
            row("ok-without-authid") << kind << kRealm << QString() << kDeviceSeed << kDeviceSeed << none << s("welcome") << QString();
            row("key-not-authorized") << kind << kRealm << s("device7") << kStrangerSeed << kStrangerSeed << none
                                      << uris::authenticationDenied << s("not among the authorized_keys");
            row("unknown-key-without-authid") << kind << kRealm << QString() << kStrangerSeed << kStrangerSeed << none
                                              << uris::authenticationDenied << s("is not authorized");
            row("wrong-private-key") << kind << kRealm << s("device7") << kDeviceSeed << kStrangerSeed << none
                                     << uris::authenticationDenied << s("does not verify");
            row("unknown-authid") << kind << kRealm << s("mallory") << kDeviceSeed << kDeviceSeed << none
                                  << uris::noSuchPrincipal << s("mallory");
            row("user-not-on-realm") << kind << s("private") << s("device7") << kDeviceSeed << kDeviceSeed << none
                                     << uris::noSuchPrincipal << s("device7");
            row("malformed-pubkey") << kind << kRealm << s("device7") << QByteArray() << QByteArray()
                                    << Dict{{s("pubkey"), s("abc")}} << uris::authenticationFailed << s("64 hex");
            row("channel-binding") << kind << kRealm << s("device7") << kDeviceSeed << kDeviceSeed
                                   << Dict{{s("channel_binding"), s("tls-unique")}} << uris::authenticationFailed
                                   << s("not supported");
        }
    }
    void cryptosign()
    {
        QFETCH(QString, kind);
        QFETCH(QString, realm);
        QFETCH(QString, authid);
        QFETCH(QByteArray, announcedSeed);
        QFETCH(QByteArray, signingSeed);
        QFETCH(Dict, extraAuthextra);
        QFETCH(QString, expected);
        QFETCH(QString, messagePart);
        QVERIFY2(startRouter(strongAuthConfig()), qPrintable(m_error));

        FakePeer *p = peer(kind);
        QVERIFY2(p, qPrintable(m_error));
        Dict authextra = extraAuthextra;
        if (!announcedSeed.isEmpty())
            authextra.insert(s("pubkey"), QString::fromLatin1(auth::ed25519KeyPairFromSeed(announcedSeed).publicKey.toHex()));
        Dict details{{s("authmethods"), List{s("cryptosign")}}, {s("authextra"), authextra}};
        if (!authid.isEmpty())
            details.insert(s("authid"), authid);
        auto m = p->hello(realm, details);
        QVERIFY(m);
        if (m->type() == MessageType::Challenge) {
            QCOMPARE(m->at(1).toString(), s("cryptosign"));
            const Dict extra = dictAt(*m, 2);
            QVERIFY(extra.value(s("channel_binding")).isNull());
            const auto challenge = auth::decodeHex(extra.value(s("challenge")).toString(), 32, s("challenge"));
            QVERIFY2(challenge.ok(), qPrintable(challenge.errorString()));
            p->send(Message::authenticate(auth::cryptosignSign(signingSeed, *challenge), {}));
            m = p->waitFor(expected == u"welcome" ? MessageType::Welcome : MessageType::Abort);
            QVERIFY(m);
        }
        if (expected == u"welcome") {
            QCOMPARE(m->type(), MessageType::Welcome);
            const Dict d = dictAt(*m, 2);
            QCOMPARE(d.value(s("authid")).toString(), s("device7"));
            QCOMPARE(d.value(s("authrole")).toString(), s("device"));
            QCOMPARE(d.value(s("authmethod")).toString(), s("cryptosign"));
            QCOMPARE(d.value(s("authprovider")).toString(), s("static"));
            QTRY_COMPARE(m_router->sessionCount(), 1);
        } else {
            QCOMPARE(m->type(), MessageType::Abort);
            QCOMPARE(m->uri(), expected);
            const QString text = dictAt(*m, 1).value(s("message")).toString();
            QVERIFY2(text.contains(messagePart), qPrintable(text));
            QVERIFY(p->waitClosed());
            QCOMPARE(m_router->sessionCount(), 0);
        }
    }

    void scram_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("authid");
        QTest::addColumn<QString>("password");
        QTest::addColumn<bool>("sendNonce");
        QTest::addColumn<QString>("expected");
        QTest::addColumn<QString>("authrole");
        for (const QString &kind : {s("ws"), s("rs")}) {
            auto row = [&](const char *name) -> QTestData & { return QTest::addRow("%s-%s", qPrintable(kind), name); };
            row("argon2id-ok") << kind << s("carol") << s("pencil") << true << s("welcome") << s("user");
            row("pbkdf2-stored-ok") << kind << s("dave") << s("pencil") << true << s("welcome") << s("ops");
            row("argon2id-wrong-password") << kind << s("carol") << s("pencil!") << true << uris::authenticationDenied << QString();
            row("pbkdf2-wrong-password") << kind << s("dave") << s("Pencil") << true << uris::authenticationDenied << QString();
            row("unknown-authid") << kind << s("mallory") << s("pencil") << true << uris::noSuchPrincipal << QString();
            row("no-nonce") << kind << s("carol") << s("pencil") << false << uris::authenticationFailed << QString();
        }
    }
    void scram()
    {
        QFETCH(QString, kind);
        QFETCH(QString, authid);
        QFETCH(QString, password);
        QFETCH(bool, sendNonce);
        QFETCH(QString, expected);
        QFETCH(QString, authrole);
        QVERIFY2(startRouter(strongAuthConfig()), qPrintable(m_error));

        FakePeer *p = peer(kind);
        QVERIFY2(p, qPrintable(m_error));
        const QString clientNonce = auth::scramNonce();
        Dict details{{s("authmethods"), List{s("scram")}}, {s("authid"), authid}};
        if (sendNonce)
            details.insert(s("authextra"), Dict{{s("nonce"), clientNonce}});
        auto m = p->hello(kRealm, details);
        QVERIFY(m);
        QByteArray authMessage;
        QByteArray salted;
        if (m->type() == MessageType::Challenge) {
            QCOMPARE(m->at(1).toString(), s("scram"));
            const Dict extra = dictAt(*m, 2);
            const QString nonce = extra.value(s("nonce")).toString();
            QVERIFY(nonce.startsWith(clientNonce));
            QVERIFY(nonce.size() > clientNonce.size());
            auth::ScramParams params;
            params.kdf = extra.value(s("kdf")).toString();
            params.salt = extra.value(s("salt")).toString();
            params.iterations = int(extra.value(s("iterations")).toInt64().value_or(0));
            params.memory = int(extra.value(s("memory")).toInt64().value_or(0));
            QCOMPARE(params.salt, kScramSalt);
            QCOMPARE(params.kdf, authid == u"dave" ? auth::kScramKdfPbkdf2 : auth::kScramKdfArgon2id);
            QCOMPARE(extra.contains(s("memory")), authid != u"dave");
            const auto sp = auth::scramSaltedPassword(password, params);
            QVERIFY2(sp.ok(), qPrintable(sp.errorString()));
            salted = *sp;
            authMessage = auth::scramAuthMessage(authid, clientNonce, nonce, params);
            const QByteArray proof = auth::scramClientProof(salted, authMessage);
            p->send(Message::authenticate(QString::fromLatin1(proof.toBase64()), Dict{{s("nonce"), nonce}}));
            m = p->waitFor(expected == u"welcome" ? MessageType::Welcome : MessageType::Abort);
            QVERIFY(m);
        }
        if (expected == u"welcome") {
            QCOMPARE(m->type(), MessageType::Welcome);
            const Dict d = dictAt(*m, 2);
            QCOMPARE(d.value(s("authid")).toString(), authid);
            QCOMPARE(d.value(s("authrole")).toString(), authrole);
            QCOMPARE(d.value(s("authmethod")).toString(), s("scram"));
            QCOMPARE(d.value(s("authprovider")).toString(), s("static"));
            // Mutual authentication: the router proves it holds the ServerKey.
            const QString sig = d.value(s("authextra")).toDict().value(s("scram_server_signature")).toString();
            QCOMPARE(sig, QString::fromLatin1(auth::scramServerSignature(auth::scramKeys(salted).serverKey, authMessage).toBase64()));
            QTRY_COMPARE(m_router->sessionCount(), 1);
        } else {
            QCOMPARE(m->type(), MessageType::Abort);
            QCOMPARE(m->uri(), expected);
            QVERIFY(!dictAt(*m, 1).value(s("message")).toString().isEmpty());
            QVERIFY(p->waitClosed());
            QCOMPARE(m_router->sessionCount(), 0);
        }
    }

    void authTimeout()
    {
        RouterConfig c = testConfig();
        c.authTimeoutMs = 300;
        QVERIFY(startRouter(c));
        // Challenged but never answers.
        FakePeer *p = peer(s("ws"));
        QVERIFY(p);
        const auto ch = p->hello(kRealm, {{s("authid"), s("alice")}, {s("authmethods"), List{s("ticket")}}});
        QVERIFY(ch);
        QCOMPARE(ch->type(), MessageType::Challenge);
        const auto ab = p->waitFor(MessageType::Abort);
        QVERIFY(ab);
        QCOMPARE(ab->uri(), uris::authenticationFailed);
        QVERIFY(p->waitClosed());
        // Never says HELLO.
        FakePeer *q = peer(s("rs"));
        QVERIFY(q);
        QVERIFY(q->waitClosed());
        QVERIFY(logContains(s("no HELLO within 300 ms")));
    }

    // ------------------------------------------------------------------ protocol violations

    void protocolViolation_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<bool>("joinFirst");
        QTest::addColumn<QByteArray>("raw");  ///< sent as is when not empty
        QTest::addColumn<Value>("message");   ///< otherwise this value, encoded as JSON
        QTest::addColumn<QString>("reason");  ///< expected in ABORT.Details.message

        const Dict roles{{s("roles"), FakePeer::defaultRoles()}};
        QByteArray garbage;
        for (int i = 0; i < 64; ++i)
            garbage.append(char(QRandomGenerator::global()->bounded(32, 127)));
        garbage.prepend("}{");
        for (const QString &kind : {s("ws"), s("rs")}) {
            auto row = [&](const char *name) -> QTestData & { return QTest::addRow("%s-%s", qPrintable(kind), name); };
            row("garbage-before-welcome") << kind << false << garbage << Value() << s("could not decode");
            row("garbage-after-welcome") << kind << true << garbage << Value() << s("could not decode");
            row("not-a-list") << kind << true << QByteArray() << Value(Dict{{s("a"), 1}}) << s("must be a list");
            row("empty-list") << kind << true << QByteArray() << Value(List{}) << s("empty");
            row("unknown-code") << kind << true << QByteArray() << Value(List{99, 1, Dict()}) << s("unknown message type 99");
            row("hello-twice") << kind << true << QByteArray() << Value(List{1, kRealm, roles}) << s("HELLO is not allowed");
            row("null-options") << kind << true << QByteArray() << Value(List{32, 1, Value(), s("com.t")}) << s("SUBSCRIBE: element 2 must be a dict");
            row("string-request-id") << kind << true << QByteArray() << Value(List{32, s("1"), Dict(), s("com.t")}) << s("element 1 must be an ID");
            row("id-too-big") << kind << true << QByteArray() << Value(List{48, qint64(9007199254740993ll), Dict(), s("com.p")}) << s("element 1 must be an ID");
            row("call-before-welcome") << kind << false << QByteArray() << Value(List{48, 1, Dict(), s("com.p")}) << s("CALL is not allowed before HELLO");
            row("goodbye-before-welcome") << kind << false << QByteArray() << Value(List{6, Dict(), s("wamp.close.close_realm")}) << s("GOODBYE is not allowed");
            row("welcome-from-client") << kind << true << QByteArray() << Value(List{2, 1, Dict()}) << s("WELCOME may not be sent by a client");
            row("event-from-client") << kind << true << QByteArray() << Value(List{36, 1, 2, Dict()}) << s("EVENT may not be sent by a client");
            row("error-for-call") << kind << true << QByteArray() << Value(List{8, 48, 1, Dict(), s("com.err")}) << s("ERROR for request type 48");
            row("error-for-publish") << kind << true << QByteArray() << Value(List{8, 16, 1, Dict(), s("com.err")}) << s("ERROR for request type 16");
            row("yield-never-sent") << kind << true << QByteArray() << Value(List{70, 12345, Dict()}) << s("YIELD for invocation 12345, which was never sent");
            row("invocation-error-never-sent") << kind << true << QByteArray() << Value(List{8, 68, 77, Dict(), s("com.err")}) << s("ERROR for invocation 77");
            row("hello-no-roles") << kind << false << QByteArray() << Value(List{1, kRealm, Dict()}) << s("roles is missing");
            row("hello-empty-roles") << kind << false << QByteArray() << Value(List{1, kRealm, Dict{{s("roles"), Dict()}}}) << s("roles must not be empty");
            row("hello-router-role") << kind << false << QByteArray() << Value(List{1, kRealm, Dict{{s("roles"), Dict{{s("broker"), Dict()}}}}}) << s("unknown role \"broker\"");
            row("hello-feature-not-bool") << kind << false << QByteArray()
                                          << Value(List{1, kRealm, Dict{{s("roles"), Dict{{s("caller"), Dict{{s("features"), Dict{{s("call_canceling"), 1}}}}}}}}})
                                          << s("must be a boolean");
            row("hello-bad-authmethods") << kind << false << QByteArray() << Value(List{1, kRealm, Dict{{s("roles"), FakePeer::defaultRoles()}, {s("authmethods"), s("ticket")}}}) << s("authmethods must be a list");
            row("call-bad-length") << kind << true << QByteArray() << Value(List{48, 1, Dict(), s("com.p"), List(), Dict(), 7}) << s("CALL must have 4 to 6 elements");
        }
    }
    void protocolViolation()
    {
        QFETCH(QString, kind);
        QFETCH(bool, joinFirst);
        QFETCH(QByteArray, raw);
        QFETCH(Value, message);
        QFETCH(QString, reason);

        // B: a bystander with a subscription; it must keep being served.
        FakePeer *b = joined(kind);
        QVERIFY2(b, qPrintable(m_error));
        QVERIFY(b->subscribe(s("com.topic")));

        FakePeer *a = peer(kind);
        QVERIFY2(a, qPrintable(m_error));
        QSignalSpy leftSpy(m_router.get(), &Router::sessionLeft);
        if (joinFirst) {
            QVERIFY(a->join(kRealm));
            QCOMPARE(a->register_(s("com.a.proc"))->type(), MessageType::Registered);
            QCOMPARE(a->subscribe(s("com.a.topic"))->type(), MessageType::Subscribed);
        }
        if (!raw.isEmpty())
            a->sendRaw(raw);
        else
            a->sendValue(message);

        const auto abort = a->waitFor(MessageType::Abort);
        QVERIFY2(abort, "no ABORT");
        QCOMPARE(abort->uri(), uris::protocolViolation);
        const QString text = dictAt(*abort, 1).value(s("message")).toString();
        QVERIFY2(text.contains(reason), qPrintable(text));
        QVERIFY(a->waitClosed());
        QVERIFY(logContains(s("protocol violation from")));
        QVERIFY(logContains(reason));
        if (joinFirst) {
            QTRY_COMPARE(leftSpy.size(), 1);
            QVERIFY(leftSpy.at(0).at(1).toString().contains(s("protocol violation")));
        }

        // Its registration is gone: someone else can take the procedure.
        checkStillServing(b);
        const auto reg = b->register_(s("com.a.proc"));
        QVERIFY(reg);
        QCOMPARE(reg->type(), MessageType::Registered);
        QCOMPARE(m_router->sessionCount(), 1);
        QCOMPARE(m_router->stats().protocolViolations, quint64(1));
    }

    void nonViolations_data() { addTransportRows(); }
    void nonViolations()
    {
        QFETCH(QString, kind);
        FakePeer *a = joined(kind);
        QVERIFY2(a, qPrintable(m_error));
        // Unknown option keys, CANCEL for an unknown call: ignored.
        const auto sub = a->subscribe(s("com.t"), {{s("x_custom"), s("whatever")}, {s("_private"), List{1}}});
        QVERIFY(sub);
        QCOMPARE(sub->type(), MessageType::Subscribed);
        a->send(Message::cancel(4242, {{s("mode"), s("kill")}}));
        // Bad URIs in requests are answered with ERROR invalid_uri, not ABORT.
        quint64 req = a->nextRequestId();
        a->send(Message::subscribe(req, {}, s("com..t")));
        auto e = a->waitReply(req, {MessageType::Subscribed});
        QVERIFY(e);
        QCOMPARE(e->type(), MessageType::Error);
        QCOMPARE(e->uri(), uris::invalidUri);
        QVERIFY(!e->args().value(0).toString().isEmpty());
        req = a->nextRequestId();
        a->send(Message::subscribe(req, {{s("match"), s("regex")}}, s("com.t")));
        e = a->waitReply(req, {MessageType::Subscribed});
        QVERIFY(e);
        QCOMPARE(e->uri(), uris::invalidArgument);
        checkStillServing(a);
        QVERIFY(!a->isClosed());
    }

    void messageTooLarge_data() { addTransportRows(); }
    void messageTooLarge()
    {
        // The transport enforces the listener's limit: only this connection closes, with a reason in the log.
        // ws: 20 MiB against the default 16 MiB. rs: a frame cannot announce more than 2^24 bytes, so the rs
        // listener gets a 1 MiB limit and a 2 MiB frame. Raw sockets: our client transports refuse to send
        // more than the peer accepts.
        QFETCH(QString, kind);
        RouterConfig c = testConfig();
        c.listeners[1].maxMessageSize = 1024 * 1024;
        QVERIFY(startRouter(c));
        FakePeer *b = joined(kind);
        QVERIFY2(b, qPrintable(m_error));
        QSignalSpy leftSpy(m_router.get(), &Router::sessionLeft);
        const QByteArray hello = codec::serializer(SerializerId::Json)
                                     ->encode(Message::hello(kRealm, {{s("roles"), FakePeer::defaultRoles()}}).toValue());
        const int size = kind == u"ws" ? 20 * 1024 * 1024 : 2 * 1024 * 1024;
        const QByteArray big = "[16,1,{},\"com.big\",[\"" + QByteArray(size, 'x') + "\"]]";
        bool closed = false;
        QByteArray received;
        if (kind == u"ws") {
            QWebSocket ws;
            QWebSocketHandshakeOptions options;
            options.setSubprotocols({s("wamp.2.json")});
            connect(&ws, &QWebSocket::disconnected, this, [&closed] { closed = true; });
            connect(&ws, &QWebSocket::textMessageReceived, this, [&received](const QString &t) { received += t.toUtf8(); });
            ws.open(urlFor(kind), options);
            QTRY_VERIFY(ws.state() == QAbstractSocket::ConnectedState);
            ws.sendTextMessage(QString::fromUtf8(hello));
            QTRY_VERIFY(received.startsWith("[2,"));
            ws.sendTextMessage(QString::fromUtf8(big));
            QTRY_VERIFY_WITH_TIMEOUT(closed, 15000);
            QCOMPARE(ws.closeCode(), QWebSocketProtocol::CloseCodeTooMuchData);
        } else {
            QTcpSocket sock;
            connect(&sock, &QTcpSocket::disconnected, this, [&closed] { closed = true; });
            connect(&sock, &QTcpSocket::readyRead, this, [&sock, &received] { received += sock.readAll(); });
            sock.connectToHost(urlFor(kind).host(), quint16(urlFor(kind).port()));
            QTRY_VERIFY(sock.state() == QAbstractSocket::ConnectedState);
            sock.write(QByteArray::fromHex("7ff10000"));
            QTRY_COMPARE(received.size(), 4);
            QCOMPARE(received.at(0), char(0x7f));
            QCOMPARE(quint8(received.at(1)) & 0x0f, 1); // JSON echoed
            auto frame = [](const QByteArray &payload) -> QByteArray {
                const quint32 n = quint32(payload.size());
                QByteArray h(4, '\0');
                h[1] = char((n >> 16) & 0xff);
                h[2] = char((n >> 8) & 0xff);
                h[3] = char(n & 0xff);
                return h + payload;
            };
            sock.write(frame(hello));
            QTRY_VERIFY(received.size() > 8 && received.mid(8).startsWith("[2,"));
            sock.write(frame(big));
            QTRY_VERIFY_WITH_TIMEOUT(closed, 15000);
        }
        QTRY_COMPARE(leftSpy.size(), 1);
        QVERIFY2(logContains(s("exceeds the limit")), qPrintable(m_log.join(u'\n')));
        QVERIFY(leftSpy.at(0).at(1).toString().contains(s("exceeds the limit")));
        checkStillServing(b);
    }

    // ------------------------------------------------------------------ publish & subscribe

    void pubsub_data() { addTransportRows(); }
    void pubsub()
    {
        QFETCH(QString, kind);
        FakePeer *a = joined(kind);
        FakePeer *b = joined(kind, SerializerId::MsgPack);
        FakePeer *p = joined(kind, SerializerId::Cbor);
        QVERIFY2(a && b && p, qPrintable(m_error));
        const auto sa = a->subscribe(s("com.t"));
        const auto sb = b->subscribe(s("com.t"));
        const auto sp = p->subscribe(s("com.t"));
        QVERIFY(sa && sb && sp);
        QCOMPARE(sa->type(), MessageType::Subscribed);
        const quint64 subId = sa->at(2).toUInt64().value_or(0);
        QVERIFY(isValidId(subId));
        QCOMPARE(sb->at(2).toUInt64().value_or(0), subId); // one ID per (topic, match), shared
        // Re-subscribing returns the existing ID.
        QCOMPARE(a->subscribe(s("com.t"))->at(2).toUInt64().value_or(0), subId);
        // A different match policy is a different subscription.
        const auto prefixSub = a->subscribe(s("com.t"), {{s("match"), s("prefix")}});
        QVERIFY(prefixSub->at(2).toUInt64().value_or(0) != subId);
        const quint64 prefixId = prefixSub->at(2).toUInt64().value_or(0);

        // Default: publisher excluded, no PUBLISHED; payload intact.
        const List args{1, s("two"), List{3}, Dict{{s("four"), 4}}};
        const Dict kwargs{{s("k"), List{true, Value()}}};
        p->send(Message::publish(p->nextRequestId(), {}, s("com.t"), args, kwargs));
        auto ea = a->waitFor(MessageType::Event);
        auto ea2 = a->waitFor(MessageType::Event); // exact and prefix subscription: two EVENTs
        auto eb = b->waitFor(MessageType::Event);
        QVERIFY(ea && ea2 && eb);
        QCOMPARE(eb->at(1).toUInt64().value_or(0), subId);
        QCOMPARE(eb->args(), args);
        QCOMPARE(eb->kwargs(), kwargs);
        QCOMPARE(dictAt(*eb, 3), Dict()); // exact subscription: no topic, publisher not disclosed
        QCOMPARE(ea->at(2), ea2->at(2));  // same publication ID
        const QSet<quint64> aSubs{ea->at(1).toUInt64().value_or(0), ea2->at(1).toUInt64().value_or(0)};
        QCOMPARE(aSubs, (QSet<quint64>{subId, prefixId}));
        const Message &prefixEvent = ea->at(1).toUInt64() == prefixId ? *ea : *ea2;
        QCOMPARE(dictAt(prefixEvent, 3).value(s("topic")), Value(s("com.t")));

        // exclude_me:false + acknowledge + disclose_me: the publisher gets its own event; PUBLISHED matches.
        quint64 req = p->nextRequestId();
        p->send(Message::publish(req, {{s("exclude_me"), false}, {s("acknowledge"), true}, {s("disclose_me"), true}}, s("com.t")));
        const auto published = p->waitReply(req, {MessageType::Published});
        QVERIFY(published);
        QCOMPARE(published->type(), MessageType::Published);
        const auto own = p->waitFor(MessageType::Event);
        QVERIFY(own);
        QCOMPARE(own->at(2), published->at(2));
        QCOMPARE(own->size(), 4); // no payload: none sent
        const Dict disclosed = dictAt(*own, 3);
        QCOMPARE(disclosed.value(s("publisher")).toUInt64().value_or(0), p->sessionId());
        QCOMPARE(disclosed.value(s("publisher_authrole")), Value(s("anonymous")));
        QVERIFY(!disclosed.value(s("publisher_authid")).toString().isEmpty());
        QVERIFY(b->waitFor(MessageType::Event));
        QCOMPARE(a->waitFor(MessageType::Event)->at(2), published->at(2));
        QCOMPARE(a->waitFor(MessageType::Event)->at(2), published->at(2));
        QCOMPARE(p->pending(MessageType::Published), 0); // nothing else was acknowledged

        // eligible / exclude (session IDs), eligible_authid / exclude_authrole.
        auto publishMarked = [&](const Dict &options, const QString &marker) {
            p->send(Message::publish(p->nextRequestId(), options, s("com.t"), {marker}));
        };
        const QString aAuthid = m_router->sessions().at(0).authid;
        QCOMPARE(m_router->sessions().at(0).id, a->sessionId());
        publishMarked({{s("eligible"), List{a->sessionId()}}}, s("eligible-a"));
        publishMarked({{s("exclude"), List{a->sessionId()}}}, s("exclude-a"));
        publishMarked({{s("eligible_authid"), List{aAuthid}}}, s("eligible-authid-a"));
        publishMarked({{s("exclude_authrole"), List{s("anonymous")}}}, s("nobody"));
        publishMarked({{s("eligible"), List{a->sessionId(), b->sessionId()}}, {s("exclude"), List{a->sessionId()}}}, s("b-only"));
        publishMarked({}, s("end"));
        auto markers = [](FakePeer *peer, QStringList *out) {
            while (true) {
                const auto e = peer->waitFor(MessageType::Event);
                if (!e)
                    return false;
                out->append(e->args().value(0).toString());
                if (out->last() == u"end")
                    return true;
            }
        };
        QStringList gotA, gotB;
        QVERIFY(markers(a, &gotA));
        QVERIFY(markers(b, &gotB));
        // a has two matching subscriptions, so every marker it gets arrives twice.
        QCOMPARE(gotA, (QStringList{s("eligible-a"), s("eligible-a"), s("eligible-authid-a"), s("eligible-authid-a"), s("end")}));
        QCOMPARE(a->waitFor(MessageType::Event)->args().value(0), Value(s("end")));
        QCOMPARE(gotB, (QStringList{s("exclude-a"), s("b-only"), s("end")}));

        // Bad requests: ERROR only with acknowledge.
        req = p->nextRequestId();
        p->send(Message::publish(req, {{s("acknowledge"), true}}, s("com..bad")));
        auto err = p->waitReply(req, {MessageType::Published});
        QCOMPARE(err->type(), MessageType::Error);
        QCOMPARE(err->at(1), Value(int(MessageType::Publish)));
        QCOMPARE(err->uri(), uris::invalidUri);
        QVERIFY(!err->args().value(0).toString().isEmpty());
        req = p->nextRequestId();
        p->send(Message::publish(req, {{s("acknowledge"), true}}, s("wamp.session.on_join")));
        err = p->waitReply(req, {MessageType::Published});
        QCOMPARE(err->uri(), uris::invalidUri);
        req = p->nextRequestId();
        p->send(Message::publish(req, {{s("acknowledge"), true}, {s("exclude"), List{s("x")}}}, s("com.t")));
        err = p->waitReply(req, {MessageType::Published});
        QCOMPARE(err->uri(), uris::invalidArgument);
        p->send(Message::publish(p->nextRequestId(), {}, s("wamp.session.on_join"))); // silently dropped
        checkStillServing(p);
        QCOMPARE(p->pending(MessageType::Error), 0);

        // Unsubscribe: UNSUBSCRIBED, then no_such_subscription; the others keep the subscription.
        req = a->nextRequestId();
        a->send(Message::unsubscribe(req, subId));
        QCOMPARE(a->waitReply(req, {MessageType::Unsubscribed})->type(), MessageType::Unsubscribed);
        req = a->nextRequestId();
        a->send(Message::unsubscribe(req, subId));
        err = a->waitReply(req, {MessageType::Unsubscribed});
        QCOMPARE(err->type(), MessageType::Error);
        QCOMPARE(err->uri(), uris::noSuchSubscription);
        p->send(Message::publish(p->nextRequestId(), {}, s("com.t"), {s("after")}));
        QCOMPARE(b->waitFor(MessageType::Event)->args().value(0), Value(s("after")));
        const auto viaPrefix = a->waitFor(MessageType::Event);
        QCOMPARE(viaPrefix->at(1).toUInt64().value_or(0), prefixId);
        QCOMPARE(a->pending(MessageType::Event), 0);
        QCOMPARE(a->undecodable() + b->undecodable() + p->undecodable(), 0);
    }

    void patternSubscriptions_data() { addTransportRows(); }
    void patternSubscriptions()
    {
        QFETCH(QString, kind);
        FakePeer *sub = joined(kind);
        FakePeer *pub = joined(kind);
        QVERIFY2(sub && pub, qPrintable(m_error));
        const quint64 exact = sub->subscribe(s("com.p.x"))->at(2).toUInt64().value_or(0);
        const quint64 prefix = sub->subscribe(s("com.p"), {{s("match"), s("prefix")}})->at(2).toUInt64().value_or(0);
        const quint64 wild = sub->subscribe(s("com..x"), {{s("match"), s("wildcard")}})->at(2).toUInt64().value_or(0);
        const quint64 other = sub->subscribe(s("org..x"), {{s("match"), s("wildcard")}})->at(2).toUInt64().value_or(0);
        QVERIFY(exact && prefix && wild && other);
        pub->send(Message::publish(pub->nextRequestId(), {}, s("com.p.x"), {42}));
        QHash<quint64, Message> events;
        for (int i = 0; i < 3; ++i) {
            const auto e = sub->waitFor(MessageType::Event);
            QVERIFY(e);
            events.insert(e->at(1).toUInt64().value_or(0), *e);
        }
        QCOMPARE(events.size(), 3);
        QVERIFY(events.contains(exact) && events.contains(prefix) && events.contains(wild));
        QVERIFY(!dictAt(events.value(exact), 3).contains(s("topic")));
        QCOMPARE(dictAt(events.value(prefix), 3).value(s("topic")), Value(s("com.p.x")));
        QCOMPARE(dictAt(events.value(wild), 3).value(s("topic")), Value(s("com.p.x")));
        QCOMPARE(events.value(prefix).at(2), events.value(exact).at(2));
        // Prefix is a string prefix: com.p matches com.pq; the wildcard needs the same number of components.
        pub->send(Message::publish(pub->nextRequestId(), {}, s("com.pq.y.x")));
        const auto e = sub->waitFor(MessageType::Event);
        QCOMPARE(e->at(1).toUInt64().value_or(0), prefix);
        checkStillServing(pub);
        QCOMPARE(sub->pending(MessageType::Event), 0);
    }

    void eventEncodedOncePerSerializer()
    {
        // Three JSON and two msgpack subscribers on one subscription: 2 encodings, 5 sends.
        QList<FakePeer *> subs;
        for (int i = 0; i < 5; ++i) {
            FakePeer *p = joined(i % 2 ? s("ws") : s("rs"), i < 3 ? SerializerId::Json : SerializerId::MsgPack);
            QVERIFY2(p, qPrintable(m_error));
            QVERIFY(p->subscribe(s("com.hot")));
            subs.append(p);
        }
        FakePeer *pub = joined(s("rs"), SerializerId::Cbor);
        QVERIFY(pub);
        const auto before = m_router->stats();
        pub->send(Message::publish(pub->nextRequestId(), {}, s("com.hot"), {Value::bytes(QByteArray("\x00\x01", 2))}));
        for (FakePeer *p : subs)
            QVERIFY(p->waitFor(MessageType::Event));
        const auto after = m_router->stats();
        QCOMPARE(after.publications - before.publications, quint64(1));
        QCOMPARE(after.eventsEncoded - before.eventsEncoded, quint64(2));
        QCOMPARE(after.eventsSent - before.eventsSent, quint64(5));
    }

    // ------------------------------------------------------------------ RPC

    void rpc_data() { addTransportRows(); }
    void rpc()
    {
        QFETCH(QString, kind);
        FakePeer *callee = joined(kind);
        FakePeer *caller = joined(kind);
        QVERIFY2(callee && caller, qPrintable(m_error));
        const auto reg = callee->register_(s("com.add"));
        QCOMPARE(reg->type(), MessageType::Registered);
        const quint64 regId = reg->at(2).toUInt64().value_or(0);
        QVERIFY(isValidId(regId));

        // CALL -> INVOCATION -> YIELD -> RESULT, payload intact both ways.
        const List args{23, 7, List{1, List{2}}};
        const Dict kwargs{{s("nested"), Dict{{s("a"), List{}}}}};
        quint64 req = caller->nextRequestId();
        caller->send(Message::call(req, {}, s("com.add"), args, kwargs));
        auto inv = callee->waitFor(MessageType::Invocation);
        QVERIFY(inv);
        QCOMPARE(inv->at(1).toUInt64().value_or(0), quint64(1)); // INVOCATION IDs: sequential per callee
        QCOMPARE(inv->at(2).toUInt64().value_or(0), regId);
        QCOMPARE(dictAt(*inv, 3), Dict()); // exact registration: no procedure; no disclosure
        QCOMPARE(inv->args(), args);
        QCOMPARE(inv->kwargs(), kwargs);
        callee->send(Message::yield(inv->requestId(), {}, {30}, {{s("x"), 1}}));
        auto res = caller->waitReply(req, {MessageType::Result});
        QVERIFY(res);
        QCOMPARE(res->type(), MessageType::Result);
        QCOMPARE(res->args(), (List{30}));
        QCOMPARE(res->kwargs(), (Dict{{s("x"), 1}}));
        QCOMPARE(dictAt(*res, 2), Dict());

        // Empty YIELD -> RESULT without payload; disclose_me -> caller details.
        req = caller->nextRequestId();
        caller->send(Message::call(req, {{s("disclose_me"), true}}, s("com.add")));
        inv = callee->waitFor(MessageType::Invocation);
        QCOMPARE(inv->at(1).toUInt64().value_or(0), quint64(2));
        QCOMPARE(dictAt(*inv, 3).value(s("caller")).toUInt64().value_or(0), caller->sessionId());
        QCOMPARE(dictAt(*inv, 3).value(s("caller_authrole")), Value(s("anonymous")));
        QCOMPARE(inv->size(), 4);
        callee->send(Message::yield(inv->requestId(), {}));
        res = caller->waitReply(req, {MessageType::Result});
        QCOMPARE(res->type(), MessageType::Result);
        QCOMPARE(res->size(), 3);

        // Callee error: URI, args and kwargs intact.
        req = caller->nextRequestId();
        caller->send(Message::call(req, {}, s("com.add"), {1}));
        inv = callee->waitFor(MessageType::Invocation);
        callee->send(Message::error(MessageType::Invocation, inv->requestId(), {{s("ignored"), 1}}, s("com.myapp.error.bad"),
                                    {1, s("x")}, {{s("why"), s("because")}}));
        auto err = caller->waitReply(req, {MessageType::Result});
        QCOMPARE(err->type(), MessageType::Error);
        QCOMPARE(err->at(1), Value(int(MessageType::Call)));
        QCOMPARE(err->uri(), s("com.myapp.error.bad"));
        QCOMPARE(err->args(), (List{1, s("x")}));
        QCOMPARE(err->kwargs(), (Dict{{s("why"), s("because")}}));

        // Late YIELD for a finished invocation: discarded, not a violation.
        callee->send(Message::yield(inv->requestId(), {}, {99}));

        // no_such_procedure, invalid_uri, procedure_already_exists, reserved namespace.
        req = caller->nextRequestId();
        caller->send(Message::call(req, {}, s("com.nothing")));
        err = caller->waitReply(req, {MessageType::Result});
        QCOMPARE(err->uri(), uris::noSuchProcedure);
        QCOMPARE(err->args(), (List{s("no callee registered for procedure 'com.nothing'")}));
        req = caller->nextRequestId();
        caller->send(Message::call(req, {}, s("com. bad")));
        err = caller->waitReply(req, {MessageType::Result});
        QCOMPARE(err->uri(), uris::invalidUri);
        QVERIFY(err->args().value(0).toString().contains(s("whitespace")));
        err = caller->register_(s("com.add"));
        QCOMPARE(err->type(), MessageType::Error);
        QCOMPARE(err->at(1), Value(int(MessageType::Register)));
        QCOMPARE(err->uri(), uris::procedureAlreadyExists);
        err = callee->register_(s("com.add"));
        QCOMPARE(err->uri(), uris::procedureAlreadyExists);
        QCOMPARE(caller->register_(s("com.add"), {{s("match"), s("prefix")}})->type(), MessageType::Registered);
        QCOMPARE(caller->register_(s("wamp.my.proc"))->uri(), uris::invalidUri);
        QCOMPARE(caller->register_(s("com..proc"))->uri(), uris::invalidUri);
        QCOMPARE(caller->register_(s("com.x"), {{s("match"), 1}})->uri(), uris::invalidArgument);

        // UNREGISTER; afterwards the exact procedure is gone (the prefix registration takes the call).
        req = callee->nextRequestId();
        callee->send(Message::unregister(req, regId));
        QCOMPARE(callee->waitReply(req, {MessageType::Unregistered})->type(), MessageType::Unregistered);
        req = callee->nextRequestId();
        callee->send(Message::unregister(req, regId));
        err = callee->waitReply(req, {MessageType::Unregistered});
        QCOMPARE(err->uri(), uris::noSuchRegistration);
        QVERIFY(!callee->isClosed());
        QVERIFY(!caller->isClosed());
        QCOMPARE(m_router->stats().protocolViolations, quint64(0));
    }

    void registrationPrecedence()
    {
        FakePeer *callee = joined(s("ws"));
        FakePeer *caller = joined(s("rs"));
        QVERIFY2(callee && caller, qPrintable(m_error));
        QHash<QString, quint64> regs;
        const QList<std::pair<QString, QString>> patterns = {
            {s("a1.b2.c3"), s("exact")},        {s("a1.b2"), s("prefix")},        {s("a1"), s("prefix")},
            {s("a1.b2.c33..e5"), s("wildcard")}, {s("a1.b2..d4.e5"), s("wildcard")}, {s("x..z"), s("wildcard")},
        };
        for (const auto &[uri, match] : patterns) {
            const auto r = callee->register_(uri, {{s("match"), match}});
            QCOMPARE(r->type(), MessageType::Registered);
            regs.insert(uri, r->at(2).toUInt64().value_or(0));
        }
        auto route = [&](const QString &procedure) -> std::pair<quint64, QString> {
            const quint64 req = caller->nextRequestId();
            caller->send(Message::call(req, {}, procedure));
            const auto inv = callee->waitFor(MessageType::Invocation);
            if (!inv)
                return {0, QString()};
            callee->send(Message::yield(inv->requestId(), {}));
            caller->waitReply(req, {MessageType::Result});
            return {inv->at(2).toUInt64().value_or(0), dictAt(*inv, 3).value(s("procedure")).toString()};
        };
        QCOMPARE(route(s("a1.b2.c3")), std::make_pair(regs.value(s("a1.b2.c3")), QString()));
        QCOMPARE(route(s("a1.b2.c4")), std::make_pair(regs.value(s("a1.b2")), s("a1.b2.c4")));
        QCOMPARE(route(s("a1.b3")), std::make_pair(regs.value(s("a1")), s("a1.b3")));
        QCOMPARE(route(s("x.y.z")), std::make_pair(regs.value(s("x..z")), s("x.y.z")));
        // Wildcards only: remove the prefixes by using another root.
        const auto r1 = callee->register_(s("q.b2.c33..e5"), {{s("match"), s("wildcard")}});
        const auto r2 = callee->register_(s("q.b2..d4.e5"), {{s("match"), s("wildcard")}});
        QCOMPARE(route(s("q.b2.c33.d4.e5")).first, r1->at(2).toUInt64().value_or(0));
        QCOMPARE(route(s("q.b2.c34.d4.e5")).first, r2->at(2).toUInt64().value_or(0));
    }

    void calleeLeavesMidCall_data() { addTransportRows(); }
    void calleeLeavesMidCall()
    {
        QFETCH(QString, kind);
        FakePeer *callee = joined(kind);
        FakePeer *caller = joined(kind);
        QVERIFY2(callee && caller, qPrintable(m_error));
        QCOMPARE(callee->register_(s("com.slow"))->type(), MessageType::Registered);
        const quint64 req = caller->nextRequestId();
        caller->send(Message::call(req, {}, s("com.slow"), {1}));
        QVERIFY(callee->waitFor(MessageType::Invocation));
        callee->abortTransport();
        const auto err = caller->waitReply(req, {MessageType::Result});
        QVERIFY(err);
        QCOMPARE(err->type(), MessageType::Error);
        QCOMPARE(err->uri(), uris::canceled);
        QCOMPARE(err->args(), (List{s("callee left before answering")}));
        // The registration went with the callee: another session can register the procedure.
        FakePeer *other = joined(kind);
        QVERIFY(other);
        QCOMPARE(other->register_(s("com.slow"))->type(), MessageType::Registered);
        QTRY_COMPARE(m_router->sessionCount(), 2);
    }

    void callerLeavesMidCall_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<bool>("calleeCancels");
        QTest::newRow("ws-canceling-callee") << s("ws") << true;
        QTest::newRow("ws-plain-callee") << s("ws") << false;
        QTest::newRow("rs-canceling-callee") << s("rs") << true;
        QTest::newRow("rs-plain-callee") << s("rs") << false;
    }
    void callerLeavesMidCall()
    {
        QFETCH(QString, kind);
        QFETCH(bool, calleeCancels);
        const Dict plainRoles{{s("roles"), Dict{{s("callee"), Dict()}, {s("caller"), Dict()}}}};
        FakePeer *callee = joined(kind, SerializerId::Json, calleeCancels ? Dict() : plainRoles);
        FakePeer *caller = joined(kind);
        QVERIFY2(callee && caller, qPrintable(m_error));
        QCOMPARE(callee->register_(s("com.slow"))->type(), MessageType::Registered);
        caller->send(Message::call(caller->nextRequestId(), {{s("receive_progress"), true}}, s("com.slow")));
        const auto inv = callee->waitFor(MessageType::Invocation);
        QVERIFY(inv);
        // receive_progress is passed on only to a callee that announced progressive_call_results.
        QCOMPARE(dictAt(*inv, 3).value(s("receive_progress")).toBool(), calleeCancels);
        caller->abortTransport();
        QTRY_COMPARE(m_router->sessionCount(), 1);
        if (calleeCancels) {
            const auto intr = callee->waitFor(MessageType::Interrupt);
            QVERIFY(intr);
            QCOMPARE(intr->requestId(), inv->requestId());
            QCOMPARE(dictAt(*intr, 2).value(s("mode")), Value(s("killnowait")));
        }
        // The late YIELD is discarded, and the callee keeps being served.
        callee->send(Message::yield(inv->requestId(), {}, {1}));
        checkStillServing(callee);
        QCOMPARE(callee->pending(MessageType::Interrupt), 0);
        QVERIFY(!callee->isClosed());
    }

    void cancel_data()
    {
        QTest::addColumn<QString>("mode");
        QTest::addColumn<bool>("calleeCancels");
        QTest::newRow("skip") << s("skip") << true;
        QTest::newRow("killnowait") << s("killnowait") << true;
        QTest::newRow("kill") << s("kill") << true;
        QTest::newRow("no-mode") << QString() << true;
        QTest::newRow("kill-plain-callee") << s("kill") << false;
    }
    void cancel()
    {
        QFETCH(QString, mode);
        QFETCH(bool, calleeCancels);
        const Dict plainRoles{{s("roles"), Dict{{s("callee"), Dict()}}}};
        FakePeer *callee = joined(s("ws"), SerializerId::Json, calleeCancels ? Dict() : plainRoles);
        FakePeer *caller = joined(s("rs"));
        QVERIFY2(callee && caller, qPrintable(m_error));
        QCOMPARE(callee->register_(s("com.slow"))->type(), MessageType::Registered);
        const quint64 req = caller->nextRequestId();
        caller->send(Message::call(req, {}, s("com.slow")));
        const auto inv = callee->waitFor(MessageType::Invocation);
        QVERIFY(inv);
        caller->send(Message::cancel(req, mode.isEmpty() ? Dict() : Dict{{s("mode"), mode}}));
        const QString effective = !calleeCancels ? s("skip") : mode.isEmpty() ? s("killnowait") : mode;
        if (effective != u"skip") {
            const auto intr = callee->waitFor(MessageType::Interrupt);
            QVERIFY(intr);
            QCOMPARE(intr->requestId(), inv->requestId());
            QCOMPARE(dictAt(*intr, 2).value(s("mode")), Value(effective));
        }
        if (effective == u"kill") {
            // The callee's answer is the caller's answer.
            QVERIFY(!caller->waitReply(req, {MessageType::Result}, 200));
            callee->send(Message::error(MessageType::Invocation, inv->requestId(), {}, uris::canceled, {s("stopped")}));
        }
        const auto err = caller->waitReply(req, {MessageType::Result});
        QVERIFY(err);
        QCOMPARE(err->type(), MessageType::Error);
        QCOMPARE(err->uri(), uris::canceled);
        // Late answers are discarded; a repeated CANCEL is ignored.
        callee->send(Message::yield(inv->requestId(), {}, {1}));
        caller->send(Message::cancel(req, {{s("mode"), s("kill")}}));
        checkStillServing(caller);
        checkStillServing(callee);
        QCOMPARE(caller->pending(MessageType::Result), 0);
        QCOMPARE(callee->pending(MessageType::Interrupt), 0);
    }

    void progressiveResults()
    {
        FakePeer *callee = joined(s("ws"));
        FakePeer *caller = joined(s("rs"), SerializerId::MsgPack);
        QVERIFY2(callee && caller, qPrintable(m_error));
        QCOMPARE(callee->register_(s("com.stream"))->type(), MessageType::Registered);
        const quint64 req = caller->nextRequestId();
        caller->send(Message::call(req, {{s("receive_progress"), true}}, s("com.stream")));
        const auto inv = callee->waitFor(MessageType::Invocation);
        QVERIFY(inv);
        QCOMPARE(dictAt(*inv, 3).value(s("receive_progress")), Value(true));
        for (int i = 0; i < 3; ++i)
            callee->send(Message::yield(inv->requestId(), {{s("progress"), true}}, {i}));
        callee->send(Message::yield(inv->requestId(), {}, {s("done")}));
        for (int i = 0; i < 3; ++i) {
            const auto r = caller->waitReply(req, {MessageType::Result});
            QVERIFY(r);
            QCOMPARE(dictAt(*r, 2).value(s("progress")), Value(true));
            QCOMPARE(r->args(), (List{i}));
        }
        const auto fin = caller->waitReply(req, {MessageType::Result});
        QCOMPARE(dictAt(*fin, 2), Dict());
        QCOMPARE(fin->args(), (List{s("done")}));
    }

    void transcoding_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<SerializerId>("callerSer");
        QTest::addColumn<SerializerId>("calleeSer");
        for (const QString &kind : {s("ws"), s("rs")}) {
            QTest::addRow("%s-json-msgpack", qPrintable(kind)) << kind << SerializerId::Json << SerializerId::MsgPack;
            QTest::addRow("%s-json-cbor", qPrintable(kind)) << kind << SerializerId::Json << SerializerId::Cbor;
            QTest::addRow("%s-msgpack-json", qPrintable(kind)) << kind << SerializerId::MsgPack << SerializerId::Json;
            QTest::addRow("%s-cbor-json", qPrintable(kind)) << kind << SerializerId::Cbor << SerializerId::Json;
            QTest::addRow("%s-msgpack-cbor", qPrintable(kind)) << kind << SerializerId::MsgPack << SerializerId::Cbor;
        }
    }
    void transcoding()
    {
        QFETCH(QString, kind);
        QFETCH(SerializerId, callerSer);
        QFETCH(SerializerId, calleeSer);
        FakePeer *callee = joined(kind, calleeSer);
        FakePeer *caller = joined(kind == u"ws" ? s("rs") : s("ws"), callerSer);
        QVERIFY2(callee && caller, qPrintable(m_error));
        QCOMPARE(callee->register_(s("com.echo"))->type(), MessageType::Registered);
        const QByteArray blob("\x00\xff\x10\x80 bytes\x00", 11);
        const List args{Value::bytes(blob), bigInt(), Value(qint64(-1)), s("ünïcødé ✓"), 1.5, true, Value(), List{Value::bytes(QByteArray())}};
        const Dict kwargs{{s("bin"), Value::bytes(blob)}, {s("max"), bigInt()}};
        const quint64 req = caller->nextRequestId();
        caller->send(Message::call(req, {}, s("com.echo"), args, kwargs));
        const auto inv = callee->waitFor(MessageType::Invocation);
        QVERIFY(inv);
        QCOMPARE(inv->args(), args);
        QCOMPARE(inv->kwargs(), kwargs);
        QVERIFY(inv->args().at(0).isBytes());
        QVERIFY(inv->args().at(1).isInteger());
        callee->send(Message::yield(inv->requestId(), {}, inv->args(), inv->kwargs()));
        const auto res = caller->waitReply(req, {MessageType::Result});
        QVERIFY(res);
        QCOMPARE(res->type(), MessageType::Result);
        QCOMPARE(res->args(), args);
        QCOMPARE(res->kwargs(), kwargs);
    }

    // ------------------------------------------------------------------ shutdown and resource limits

    void stop()
    {
        FakePeer *polite = joined(s("ws"));
        FakePeer *rude = joined(s("rs"));
        FakePeer *joining = peer(s("ws"));
        QVERIFY2(polite && rude && joining, qPrintable(m_error));
        QSignalSpy stoppedSpy(m_router.get(), &Router::stopped);
        QSignalSpy leftSpy(m_router.get(), &Router::sessionLeft);
        connect(polite, &FakePeer::messageArrived, this, [polite](const Message &m) {
            if (m.type() == MessageType::Goodbye)
                polite->send(Message::goodbye({}, uris::closeGoodbyeAndOut));
        });
        m_router->stop();
        QVERIFY(m_router->listeningUrls().isEmpty());
        const auto bye = polite->waitFor(MessageType::Goodbye);
        QVERIFY(bye);
        QCOMPARE(bye->uri(), uris::closeSystemShutdown);
        QVERIFY(!dictAt(*bye, 1).value(s("message")).toString().isEmpty());
        QVERIFY(polite->waitClosed());
        QVERIFY(rude->waitFor(MessageType::Goodbye));
        QVERIFY(joining->waitFor(MessageType::Abort));
        // The rude one never answers: closed after the grace period.
        QVERIFY(rude->waitClosed(6000));
        QVERIFY(joining->waitClosed());
        QTRY_COMPARE_WITH_TIMEOUT(stoppedSpy.size(), 1, 10000);
        QCOMPARE(leftSpy.size(), 2);
        QCOMPARE(m_router->sessionCount(), 0);
        // Restartable.
        QVERIFY(m_router->start().ok());
        QVERIFY(joined(s("ws")));
    }

    void startFailure()
    {
        // A second router on the same port: start() fails with the reason and leaves nothing listening.
        RouterConfig c = testConfig();
        c.listeners = {router::ListenerConfig{QUrl(s("rs://127.0.0.1:0"))},
                       router::ListenerConfig{urlFor(s("ws"))}};
        Router second(c);
        const Status st = second.start();
        QVERIFY(!st.ok());
        QVERIFY2(st.errorString().contains(urlFor(s("ws")).toString()), qPrintable(st.errorString()));
        QVERIFY(second.listeningUrls().isEmpty());
    }

    void slowConsumerDropped()
    {
        RouterConfig c = testConfig();
        c.maxOutboundQueueBytes = 256 * 1024;
        QVERIFY(startRouter(c));
        // A raw RawSocket client that subscribes and then stops reading.
        QTcpSocket sock;
        QByteArray received;
        bool closed = false;
        connect(&sock, &QTcpSocket::readyRead, this, [&] { received += sock.readAll(); });
        connect(&sock, &QTcpSocket::disconnected, this, [&closed] { closed = true; });
        sock.connectToHost(urlFor(s("rs")).host(), quint16(urlFor(s("rs")).port()));
        QTRY_VERIFY(sock.state() == QAbstractSocket::ConnectedState);
        auto frame = [](const Message &m) -> QByteArray {
            const QByteArray payload = codec::serializer(SerializerId::Json)->encode(m.toValue());
            const quint32 n = quint32(payload.size());
            QByteArray h(4, '\0');
            h[1] = char((n >> 16) & 0xff);
            h[2] = char((n >> 8) & 0xff);
            h[3] = char(n & 0xff);
            return h + payload;
        };
        sock.write(QByteArray::fromHex("7ff10000"));
        sock.write(frame(Message::hello(kRealm, {{s("roles"), FakePeer::defaultRoles()}})));
        sock.write(frame(Message::subscribe(1, {}, s("com.flood"))));
        QTRY_VERIFY(received.contains("[33,1,"));
        sock.setReadBufferSize(1); // stop reading: the kernel buffers fill, then the router's queue grows
        disconnect(&sock, &QTcpSocket::readyRead, this, nullptr);

        FakePeer *pub = joined(s("ws"));
        FakePeer *healthy = joined(s("rs"));
        QVERIFY2(pub && healthy, qPrintable(m_error));
        QVERIFY(healthy->subscribe(s("com.flood")));
        QSignalSpy leftSpy(m_router.get(), &Router::sessionLeft);
        const List payload{QString(64 * 1024, u'x')};
        int sent = 0;
        QVERIFY(QTest::qWaitFor([&] {
            if (logContains(s("slow consumer")))
                return true;
            // Publish in small batches so the healthy subscriber keeps up.
            for (int i = 0; i < 8 && sent < 4000; ++i, ++sent)
                pub->send(Message::publish(pub->nextRequestId(), {}, s("com.flood"), payload));
            while (healthy->next(0)) {}
            return false;
        }, 60000));
        QVERIFY(logContains(s("dropped: slow consumer (")));
        QTRY_COMPARE(leftSpy.size(), 1);
        QVERIFY(leftSpy.at(0).at(1).toString().contains(s("slow consumer")));
        checkStillServing(healthy);
    }
};

QTEST_GUILESS_MAIN(TstRouter)
#include "tst_router.moc"
