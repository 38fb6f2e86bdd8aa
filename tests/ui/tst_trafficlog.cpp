// SPDX-License-Identifier: GPL-3.0-or-later
// The traffic log as a view over a capture::Recorder: rows come from what sources recorded, the connection filter
// has one entry per source (a reconnect is the same entry), the IDs column is built from the message.

#include "capture/recorder.h"
#include "codec/messagecodec.h"
#include "models/trafficfiltermodel.h"
#include "models/trafficmodel.h"
#include "panels/trafficlogpanel.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QTableView>
#include <QTest>

using namespace wb;
using capture::ConnectionInfo;
using capture::Direction;
using wamp::Message;

namespace {

void record(capture::Recorder &r, capture::ConnectionId conn, Direction dir, const Message &m)
{
    capture::RecordedMessage rm;
    rm.connection = conn;
    rm.direction = dir;
    rm.serializer = codec::SerializerId::Json;
    rm.time = transport::Timestamp::now();
    rm.bytes = codec::encodeMessage(*codec::serializer(codec::SerializerId::Json), m);
    rm.message = m;
    r.record(rm);
}

} // namespace

class TstTrafficLog : public QObject
{
    Q_OBJECT
private slots:
    void viewOverRecorder()
    {
        capture::Recorder recorder;
        ui::TrafficLogPanel log(&recorder);
        QAbstractItemModelTester tester(log.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        ConnectionInfo a;
        a.name = QStringLiteral("alpha");
        a.opened = transport::Timestamp::now();
        const auto a1 = recorder.addConnection(a);
        ConnectionInfo b;
        b.name = QStringLiteral("beta");
        const auto b1 = recorder.addConnection(b);
        a.source = recorder.connection(a1).source; // alpha reconnects: same source, new connection
        const auto a2 = recorder.addConnection(a);

        record(recorder, a1, Direction::Out, Message::subscribe(1, {}, QStringLiteral("com.example.t")));
        record(recorder, a1, Direction::In, Message::subscribed(1, 7));
        record(recorder, a1, Direction::In, Message::event(7, 100, {}));
        record(recorder, b1, Direction::Out, Message::publish(2, {}, QStringLiteral("com.example.t")));
        record(recorder, a2, Direction::Out, Message::publish(3, {}, QStringLiteral("com.example.u")));
        log.flush();
        QCOMPARE(log.model()->rowCount(), 5);
        QCOMPARE(log.model()->index(2, ui::TrafficModel::Ids).data().toString(), QStringLiteral("sub 7 pub 100"));
        QCOMPARE(log.model()->index(2, ui::TrafficModel::Ids).data().toString(), QStringLiteral("sub 7 pub 100")); // cached
        QCOMPARE(log.model()->index(2, ui::TrafficModel::Uri).data().toString(), QStringLiteral("com.example.t"));
        QCOMPARE(log.model()->index(0, ui::TrafficModel::Connection).data().toString(), QStringLiteral("alpha"));

        auto *combo = log.findChild<QComboBox *>(QStringLiteral("trafficConnectionFilter"));
        QVERIFY(combo);
        QCOMPARE(combo->count(), 3); // all, alpha, beta
        QCOMPARE(combo->itemText(1), QStringLiteral("alpha"));
        QCOMPARE(combo->itemText(2), QStringLiteral("beta"));
        log.setConnectionFilter(int(a1));
        QCOMPARE(log.filterModel()->rowCount(), 4); // both connections of alpha
        log.setConnectionFilter(int(b1));
        QCOMPARE(log.filterModel()->rowCount(), 1);
        log.setConnectionFilter(-1);
        QCOMPARE(log.view()->model(), static_cast<QAbstractItemModel *>(log.model()));

        // a rename reaches the filter entry
        ConnectionInfo renamed = recorder.connection(a2);
        renamed.name = QStringLiteral("alpha2");
        recorder.updateConnection(renamed);
        QCOMPARE(combo->itemText(1), QStringLiteral("alpha2"));
    }
};

QTEST_MAIN(TstTrafficLog)
#include "tst_trafficlog.moc"
