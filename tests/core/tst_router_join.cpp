// SPDX-License-Identifier: GPL-3.0-or-later
// The built-in router in process, joining: WELCOME details, realms, authentication (ticket, WAMP-CRA, cryptosign,
// SCRAM) and the authentication timeout, over WebSocket and RawSocket (data rows "ws" and "rs").

#include "routertestconfig.h"

#include "codec/serializer.h"
#include "router/router.h"
#include "wamp/errors.h"
#include "wamp/ids.h"

#include "auth/cryptosign.h"
#include "auth/scram.h"
#include "auth/wampcra.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTest>

using namespace wb;
using namespace wb::wamp;
using namespace wb::testing::routertests;
using wb::codec::SerializerId;
using wb::router::Router;
using wb::router::RouterConfig;
using wb::router::SessionInfo;
using wb::testing::FakePeer;
using wb::testing::RouterHarness;
using wb::testing::s;

namespace {

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

} // namespace

class TstRouterJoin : public QObject
{
    Q_OBJECT

private:
    RouterHarness m_h;

private slots:
    void init()
    {
        m_h.clearLog();
        QVERIFY2(m_h.start(testConfig()), qPrintable(m_h.error()));
    }

    void cleanup() { m_h.reset(); }

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
        QSignalSpy joinedSpy(m_h.router(), &Router::sessionJoined);
        QSignalSpy leftSpy(m_h.router(), &Router::sessionLeft);
        FakePeer *p = m_h.peer(kind, ser);
        QVERIFY2(p, qPrintable(m_h.error()));
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
        QCOMPARE(m_h.router()->sessionCount(), 1);
        QCOMPARE(m_h.router()->sessions().size(), 1);
        QCOMPARE(m_h.router()->sessions().at(0).id, id);

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
        QCOMPARE(m_h.router()->sessionCount(), 0);
        QCOMPARE(p->undecodable(), 0);
    }

    void uniqueSessionIds()
    {
        QSet<quint64> ids;
        for (int i = 0; i < 10; ++i) {
            FakePeer *p = m_h.joined(i % 2 ? s("ws") : s("rs"));
            QVERIFY2(p, qPrintable(m_h.error()));
            ids.insert(p->sessionId());
        }
        QCOMPARE(ids.size(), 10);
        QCOMPARE(m_h.router()->sessionCount(), 10);
    }

    void realms_data()
    {
        RouterHarness::addTransportRows();
    }
    void realms()
    {
        QFETCH(QString, kind);
        FakePeer *p = m_h.peer(kind);
        QVERIFY(p);
        auto m = p->hello(s("no.such.realm"));
        QVERIFY(m);
        QCOMPARE(m->type(), MessageType::Abort);
        QCOMPARE(m->uri(), uris::noSuchRealm);
        QVERIFY(!dictAt(*m, 1).value(s("message")).toString().isEmpty());
        QVERIFY(p->waitClosed());

        FakePeer *q = m_h.peer(kind);
        QVERIFY(q);
        m = q->hello(s("bad realm"));
        QVERIFY(m);
        QCOMPARE(m->type(), MessageType::Abort);
        QCOMPARE(m->uri(), uris::invalidUri);
        QVERIFY(q->waitClosed());
        QCOMPARE(m_h.router()->sessionCount(), 0);
    }

    void autoCreatedRealm()
    {
        RouterConfig c = testConfig();
        c.autoCreateRealms = true;
        QVERIFY(m_h.start(c));
        FakePeer *p = m_h.peer(s("ws"));
        QVERIFY(p);
        const auto w = p->hello(s("com.example.fresh"));
        QVERIFY(w);
        QCOMPARE(w->type(), MessageType::Welcome);
        QCOMPARE(dictAt(*w, 2).value(s("realm")), Value(s("com.example.fresh")));
        // A second session lands in the same realm and can talk to the first.
        FakePeer *q = m_h.peer(s("rs"));
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

        FakePeer *p = m_h.peer(kind);
        QVERIFY2(p, qPrintable(m_h.error()));
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
            QTRY_COMPARE(m_h.router()->sessionCount(), 1);
        } else {
            QCOMPARE(m->type(), MessageType::Abort);
            QCOMPARE(m->uri(), expected);
            const QString text = dictAt(*m, 1).value(s("message")).toString();
            QVERIFY(!text.isEmpty());
            if (expected == uris::authenticationDenied) {
                QVERIFY2(text.contains(authid), qPrintable(text));
                QVERIFY(m_h.logContains(s("authentication failed")));
            }
            QVERIFY(p->waitClosed());
            QCOMPARE(m_h.router()->sessionCount(), 0);
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
        QVERIFY2(m_h.start(strongAuthConfig()), qPrintable(m_h.error()));

        FakePeer *p = m_h.peer(kind);
        QVERIFY2(p, qPrintable(m_h.error()));
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
            QTRY_COMPARE(m_h.router()->sessionCount(), 1);
        } else {
            QCOMPARE(m->type(), MessageType::Abort);
            QCOMPARE(m->uri(), expected);
            const QString text = dictAt(*m, 1).value(s("message")).toString();
            QVERIFY2(text.contains(messagePart), qPrintable(text));
            QVERIFY(p->waitClosed());
            QCOMPARE(m_h.router()->sessionCount(), 0);
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
        QVERIFY2(m_h.start(strongAuthConfig()), qPrintable(m_h.error()));

        FakePeer *p = m_h.peer(kind);
        QVERIFY2(p, qPrintable(m_h.error()));
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
            QTRY_COMPARE(m_h.router()->sessionCount(), 1);
        } else {
            QCOMPARE(m->type(), MessageType::Abort);
            QCOMPARE(m->uri(), expected);
            QVERIFY(!dictAt(*m, 1).value(s("message")).toString().isEmpty());
            QVERIFY(p->waitClosed());
            QCOMPARE(m_h.router()->sessionCount(), 0);
        }
    }

    void authTimeout()
    {
        RouterConfig c = testConfig();
        c.authTimeoutMs = 300;
        QVERIFY(m_h.start(c));
        // Challenged but never answers.
        FakePeer *p = m_h.peer(s("ws"));
        QVERIFY(p);
        const auto ch = p->hello(kRealm, {{s("authid"), s("alice")}, {s("authmethods"), List{s("ticket")}}});
        QVERIFY(ch);
        QCOMPARE(ch->type(), MessageType::Challenge);
        const auto ab = p->waitFor(MessageType::Abort);
        QVERIFY(ab);
        QCOMPARE(ab->uri(), uris::authenticationFailed);
        QVERIFY(p->waitClosed());
        // Never says HELLO.
        FakePeer *q = m_h.peer(s("rs"));
        QVERIFY(q);
        QVERIFY(q->waitClosed());
        QVERIFY(m_h.logContains(s("no HELLO within 300 ms")));
    }

};

QTEST_GUILESS_MAIN(TstRouterJoin)
#include "tst_router_join.moc"
