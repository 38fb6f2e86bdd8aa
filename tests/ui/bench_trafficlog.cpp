// SPDX-License-Identifier: GPL-3.0-or-later
// Benchmark (not a test): the traffic log under a synthetic flood, without network or router, so the figure is
// the log's own cost. Every 10 ms a batch of EVENTs goes into the capture store (rate messages/s in total); the
// view syncs on its 100 ms timer and follows the tail. Prints the worst event-loop stall (gap between 10 ms
// ticks), the worst sync, and memory per kept message.
//   QT_QPA_PLATFORM=offscreen build/tests/ui/bench_trafficlog [rate=100000] [seconds=10] [cap=1000000]

#include "fakes/testutil.h"
#include "capture/capturestore.h"
#include "codec/messagecodec.h"
#include "panels/trafficlogpanel.h"
#include "models/trafficmodel.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTimer>

#include <cstdio>

using namespace wb;

using wb::testing::rssBytes;

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    const int rate = argc > 1 ? atoi(argv[1]) : 100000;
    const int seconds = argc > 2 ? atoi(argv[2]) : 10;
    const qint64 cap = argc > 3 ? atoll(argv[3]) : 1000000;

    ui::TrafficLogPanel log;
    log.resize(1200, 700);
    log.show();
    log.setCapacity(cap);
    capture::CaptureStore *store = log.store();
    const capture::ConnectionId conn = store->addConnection(QStringLiteral("flood"));
    const codec::Serializer &json = *codec::serializer(codec::SerializerId::Json);
    store->record(conn, capture::Direction::Out, wamp::Message::subscribe(1, {}, QStringLiteral("com.example.flood")),
                  QByteArray("x"), codec::SerializerId::Json);
    store->record(conn, capture::Direction::In, wamp::Message::subscribed(1, 7), QByteArray("x"), codec::SerializerId::Json);
    QList<std::pair<wamp::Message, QByteArray>> samples;
    for (int i = 0; i < 256; ++i) {
        const wamp::Message m = wamp::Message::event(7, quint64(100 + i), {}, {i, 21.5});
        samples.append({m, codec::encodeMessage(json, m)});
    }

    const int perTick = rate / 100;
    qint64 worstGapMs = 0, ticks = 0, sent = 0;
    QElapsedTimer run, gap;
    const qint64 rss0 = rssBytes();
    run.start();
    gap.start();
    QTimer tick;
    tick.setTimerType(Qt::PreciseTimer);
    tick.setInterval(10);
    QObject::connect(&tick, &QTimer::timeout, [&]() {
        const qint64 g = gap.restart();
        if (ticks > 0)
            worstGapMs = qMax(worstGapMs, g);
        ++ticks;
        // catch up to the wall clock: the rate holds even when a tick comes late
        const qint64 due = run.elapsed() * rate / 1000;
        for (int i = 0; sent < due && i < perTick * 20; ++i, ++sent) {
            const auto &[m, bytes] = samples.at(sent & 255);
            store->record(conn, capture::Direction::In, m, QByteArray(bytes.constData(), bytes.size()), codec::SerializerId::Json);
        }
        if (run.elapsed() >= seconds * 1000)
            app.quit();
    });
    tick.start();
    app.exec();
    log.flush();
    QElapsedTimer s;
    s.start();
    log.flush();
    const qint64 rss1 = rssBytes();
    printf("traffic log flood: %lld messages in %.1f s (%.0f/s requested %d/s), cap %lld, kept %lld, rows %d\n", sent,
           double(run.elapsed()) / 1000.0, double(sent) * 1000.0 / double(run.elapsed()), rate, cap, qint64(store->size()),
           log.model()->rowCount());
    printf("worst event-loop stall: %lld ms (gap between 10 ms ticks, includes syncs and repaints)\n", worstGapMs);
    printf("memory: store estimate %.0f bytes/message, RSS growth %.0f bytes/kept message\n",
           double(store->approximateBytes()) / double(qMax<qint64>(1, store->size())),
           double(rss1 - rss0) / double(qMax<qint64>(1, store->size())));
    return 0;
}
