// SPDX-License-Identifier: GPL-3.0-or-later
// Benchmark (not a test): how fast the traffic capture records EVENTs and what one kept message costs.
//   build/tests/core/bench_capturestore [messages=2000000] [cap=1000000]
// Prints records/s, the store's own estimate per message, and the process RSS growth per kept message; then the
// same EVENTs handed to a capture::Recorder from a second thread in batches of 256 (a router tap's path), not
// decoded by the producer, until the store holds them all.

#include "fakes/testutil.h"

#include "capture/capturestore.h"
#include "capture/recorder.h"
#include "codec/messagecodec.h"

#include <QCoreApplication>
#include <QElapsedTimer>

#include <cstdio>
#include <thread>

using namespace wb;

using wb::testing::rssBytes;

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const qint64 n = argc > 1 ? QByteArray(argv[1]).toLongLong() : 2'000'000;
    const qint64 cap = argc > 2 ? QByteArray(argv[2]).toLongLong() : 1'000'000;
    const codec::Serializer &json = *codec::serializer(codec::SerializerId::Json);

    capture::CaptureStore store;
    store.setCapacity(cap);
    const capture::ConnectionId conn = store.addConnection(QStringLiteral("bench"));
    store.record(conn, capture::Direction::Out, wamp::Message::subscribe(1, {}, QStringLiteral("com.example.sensors")),
                 QByteArray("x"), codec::SerializerId::Json);
    store.record(conn, capture::Direction::In, wamp::Message::subscribed(1, 42), QByteArray("x"), codec::SerializerId::Json);

    // Pre-encode distinct events as a transport would hand them over (a fresh buffer per message).
    QList<std::pair<wamp::Message, QByteArray>> samples;
    for (int i = 0; i < 1024; ++i) {
        wamp::Dict kw;
        kw.insert(QStringLiteral("unit"), QStringLiteral("C"));
        const wamp::Message m = wamp::Message::event(42, quint64(1000 + i), {}, {21.5 + i, i}, kw);
        samples.append({m, codec::encodeMessage(json, m)});
    }
    const qint64 rss0 = rssBytes();
    QElapsedTimer t;
    t.start();
    for (qint64 i = 0; i < n; ++i) {
        const auto &[m, bytes] = samples.at(i & 1023);
        store.record(conn, capture::Direction::In, m, QByteArray(bytes.constData(), bytes.size()), codec::SerializerId::Json);
    }
    const qint64 ns = t.nsecsElapsed();
    const qint64 rss1 = rssBytes();
    const double perSec = double(n) / (double(ns) / 1e9);
    printf("recorded %lld EVENTs (%lld bytes each) in %.1f ms: %.0f messages/s, %.2f us/message\n", n,
           qint64(samples.first().second.size()), double(ns) / 1e6, perSec, double(ns) / 1e3 / double(n));
    printf("kept %lld (cap %lld); store estimate %.1f bytes/message; RSS growth %.1f bytes/kept message\n",
           qint64(store.size()), cap, double(store.approximateBytes()) / double(store.size()),
           double(rss1 - rss0) / double(store.size()));

    capture::Recorder recorder;
    recorder.store()->setCapacity(cap);
    const qint64 batched = qMin<qint64>(n, 1'000'000);
    QElapsedTimer tb;
    tb.start();
    std::thread producer([&] {
        const capture::ConnectionId c = recorder.addConnection(capture::ConnectionInfo{});
        QList<capture::RecordedMessage> batch;
        for (qint64 i = 0; i < batched; ++i) {
            capture::RecordedMessage r;
            r.connection = c;
            r.serializer = codec::SerializerId::Json;
            r.time = transport::Timestamp::now();
            r.bytes = samples.at(i & 1023).second;
            batch << r;
            if (batch.size() == 256 || i == batched - 1) {
                recorder.appendBatch(batch);
                batch.clear();
            }
        }
    });
    while (recorder.store()->totalRecorded() + recorder.droppedCount() < quint64(batched))
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    producer.join();
    const qint64 nsb = tb.nsecsElapsed();
    printf("recorder, batches of 256 from a second thread (decoded on the store's thread): %lld in %.1f ms: %.0f messages/s, "
           "%llu dropped\n",
           batched, double(nsb) / 1e6, double(batched) / (double(nsb) / 1e9), qulonglong(recorder.droppedCount()));
    return 0;
}
