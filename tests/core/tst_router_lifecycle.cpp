// SPDX-License-Identifier: GPL-3.0-or-later
// The built-in router in process: stop (GOODBYE system_shutdown to every session), a listener that cannot start,
// and a slow consumer that is dropped while the other sessions keep being served.

#include "routertestconfig.h"

#include "fakes/rawpeer.h"

#include "codec/serializer.h"
#include "router/router.h"
#include "wamp/errors.h"
#include "wamp/ids.h"

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

class TstRouterLifecycle : public QObject
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

    // ------------------------------------------------------------------ shutdown and resource limits

    void stop()
    {
        FakePeer *polite = m_h.joined(s("ws"));
        FakePeer *rude = m_h.joined(s("rs"));
        FakePeer *joining = m_h.peer(s("ws"));
        QVERIFY2(polite && rude && joining, qPrintable(m_h.error()));
        QSignalSpy stoppedSpy(m_h.router(), &Router::stopped);
        QSignalSpy leftSpy(m_h.router(), &Router::sessionLeft);
        connect(polite, &FakePeer::messageArrived, this, [polite](const Message &m) {
            if (m.type() == MessageType::Goodbye)
                polite->send(Message::goodbye({}, uris::closeGoodbyeAndOut));
        });
        m_h.router()->stop();
        QVERIFY(m_h.router()->listeningUrls().isEmpty());
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
        QCOMPARE(m_h.router()->sessionCount(), 0);
        // Restartable.
        QVERIFY(m_h.router()->start().ok());
        QVERIFY(m_h.joined(s("ws")));
    }

    void startFailure()
    {
        // A second router on the same port: start() fails with the reason and leaves nothing listening.
        RouterConfig c = testConfig();
        c.listeners = {router::ListenerConfig{QUrl(s("rs://127.0.0.1:0"))},
                       router::ListenerConfig{m_h.urlFor(s("ws"))}};
        Router second(c);
        const Status st = second.start();
        QVERIFY(!st.ok());
        QVERIFY2(st.errorString().contains(m_h.urlFor(s("ws")).toString()), qPrintable(st.errorString()));
        QVERIFY(second.listeningUrls().isEmpty());
    }

    void slowConsumerDropped()
    {
        RouterConfig c = testConfig();
        c.maxOutboundQueueBytes = 256 * 1024;
        QVERIFY(m_h.start(c));
        // A raw RawSocket client that subscribes and then stops reading.
        wb::testing::RawSocketPeer raw;
        QVERIFY(raw.connectTo(m_h.urlFor(s("rs"))));
        QVERIFY(raw.handshake(SerializerId::Json));
        raw.send(Message::hello(kRealm, {{s("roles"), FakePeer::defaultRoles()}}));
        raw.send(Message::subscribe(1, {}, s("com.flood")));
        QTRY_VERIFY(raw.received().contains("[33,1,"));
        raw.stopReading(); // the kernel buffers fill, then the router's queue grows

        FakePeer *pub = m_h.joined(s("ws"));
        FakePeer *healthy = m_h.joined(s("rs"));
        QVERIFY2(pub && healthy, qPrintable(m_h.error()));
        QVERIFY(healthy->subscribe(s("com.flood")));
        QSignalSpy leftSpy(m_h.router(), &Router::sessionLeft);
        const List payload{QString(64 * 1024, u'x')};
        int sent = 0;
        QVERIFY(QTest::qWaitFor([&] {
            if (m_h.logContains(s("slow consumer")))
                return true;
            // Publish in small batches so the healthy subscriber keeps up.
            for (int i = 0; i < 8 && sent < 4000; ++i, ++sent)
                pub->send(Message::publish(pub->nextRequestId(), {}, s("com.flood"), payload));
            while (healthy->next(0)) {}
            return false;
        }, 60000));
        QVERIFY(m_h.logContains(s("dropped: slow consumer (")));
        QTRY_COMPARE(leftSpy.size(), 1);
        QVERIFY(leftSpy.at(0).at(1).toString().contains(s("slow consumer")));
        checkStillServing(healthy);
    }
};

QTEST_GUILESS_MAIN(TstRouterLifecycle)
#include "tst_router_lifecycle.moc"
