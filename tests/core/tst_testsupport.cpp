// SPDX-License-Identifier: GPL-3.0-or-later
// The test-support library checks itself: the round-trip barriers that replace fixed sleeps in "nothing arrives"
// checks must deliver everything routed before them, with no waiting afterwards; RouterFixture::publish must fail
// on a refused publication.

#include "fakes/fakepeer.h"
#include "fakes/routerfixture.h"
#include "fakes/routerharness.h"
#include "fakes/testutil.h"

#include "router/routerconfig.h"

#include <QTest>

using namespace wb;
using namespace wb::wamp;
using wb::codec::SerializerId;
using wb::testing::FakePeer;
using wb::testing::RouterFixture;
using wb::testing::RouterHarness;
using wb::testing::s;

class TstTestSupport : public QObject
{
    Q_OBJECT

private slots:
    void fakePeerBarrier_data() { RouterHarness::addTransportRows(); }
    void fakePeerBarrier()
    {
        QFETCH(QString, kind);
        RouterHarness h;
        QVERIFY2(h.start(RouterHarness::baseConfig()), qPrintable(h.error()));
        FakePeer *sub = h.joined(kind, SerializerId::MsgPack);
        FakePeer *pub = h.joined(kind == u"ws" ? s("rs") : s("ws"));
        QVERIFY2(sub && pub, qPrintable(h.error()));
        QCOMPARE(sub->subscribe(s("com.barrier"))->type(), MessageType::Subscribed);
        constexpr int kEvents = 200;
        for (int i = 0; i < kEvents; ++i)
            pub->send(Message::publish(pub->nextRequestId(), {}, s("com.barrier"), {i, QString(512, u'x')}));
        QVERIFY(pub->barrier()); // the router has handled every PUBLISH
        QVERIFY(sub->barrier()); // ... and every EVENT it sent sub is here
        QCOMPARE(sub->pending(MessageType::Event), kEvents); // counted without any further wait
    }

    void sessionBarrier()
    {
        RouterFixture f;
        QVERIFY(f.start(router::RouterConfig::defaults()));
        auto sub = f.join({}, true);
        auto pub = f.join();
        QVERIFY(sub && pub);
        auto log = RouterFixture::subscribe(*sub, s("com.barrier"));
        QVERIFY(log->acknowledged && log->error.isEmpty());
        constexpr int kEvents = 200;
        for (int i = 0; i < kEvents; ++i)
            pub->publish(s("com.barrier"), {i}, {}, {});
        QVERIFY(RouterFixture::barrier(*pub));
        QVERIFY(RouterFixture::barrier(*sub));
        QCOMPARE(log->events.size(), kEvents);
        QVERIFY(f.leave(sub));
        QVERIFY(f.leave(pub));
    }

    void publishFailsWhenRefused()
    {
        RouterFixture f;
        QVERIFY(f.start(router::RouterConfig::defaults()));
        auto pub = f.join();
        QVERIFY(pub);
        QString error;
        QVERIFY(RouterFixture::publish(*pub, s("com.fine"), {1}, {}, &error));
        QVERIFY(error.isEmpty());
        QVERIFY(!RouterFixture::publish(*pub, s("not a valid..uri!"), {1}, {}, &error));
        QVERIFY2(error.contains(s("wamp.error.")), qPrintable(error));
        QVERIFY(f.leave(pub));
    }
};

QTEST_GUILESS_MAIN(TstTestSupport)
#include "tst_testsupport.moc"
