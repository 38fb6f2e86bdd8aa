// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The recorder: the one place in core that traffic is recorded into, whatever the source (a client Session
// through a SessionTap; later a router-side tap and a recording proxy). It owns the in-memory CaptureStore and
// hands everything, in order, to its sinks (the store first; a streaming file writer can be added).
//
// Threads: the Recorder and its sinks live on one thread (the GUI thread in the app). Sources on that thread
// call record() and the message reaches the sinks at once. Sources on other threads (a router on its own
// QThread) call appendBatch() every few milliseconds: the batch goes into a mutex-protected inbox and one
// queued call drains it on the recorder's thread. The inbox is bounded (inboxLimit() messages and
// kInboxByteLimit payload bytes); what does not fit is counted in droppedCount() and never blocks the producer.
// Sources on other threads must stop calling in before the Recorder is destroyed.

#include "capture/capturerecord.h"
#include "capture/capturestore.h"
#include "capture/connectioninfo.h"
#include "capture/trafficsink.h"

#include <QHash>
#include <QList>
#include <QMutex>
#include <QObject>

#include <atomic>
#include <variant>
#include <vector>

namespace wb::capture {

class Recorder : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Recorder)
public:
    static constexpr qsizetype kDefaultInboxLimit = 1'000'000;
    static constexpr qint64 kInboxByteLimit = 256 * 1024 * 1024;

    explicit Recorder(QObject *parent = nullptr);
    ~Recorder() override;

    /// The in-memory index the traffic log shows (always the first sink).
    CaptureStore *store() const { return m_store; }
    /// Further sinks (not owned); recorder thread only.
    void addSink(TrafficSink *sink);
    void removeSink(TrafficSink *sink);

    // ---- thread-safe ----
    /// Registers a connection; assigns and returns info.id (and info.source when 0). The sinks see it before
    /// any message recorded on it afterwards by the same thread.
    ConnectionId addConnection(ConnectionInfo info);
    /// New metadata for a known connection (closed, renamed, ...).
    void updateConnection(const ConnectionInfo &info);
    ConnectionInfo connection(ConnectionId id) const;
    QList<ConnectionInfo> connections() const;
    /// A fresh source number (one per workbench connection, router tap, proxy ...).
    quint32 newSource();

    /// One message. From the recorder's thread it reaches the sinks before this returns.
    void record(const RecordedMessage &message);
    /// Many messages from a source on another thread, in order.
    void appendBatch(const QList<RecordedMessage> &batch);

    qsizetype inboxLimit() const;
    void setInboxLimit(qsizetype messages);
    /// Messages refused because the inbox was full (the recorder's thread did not keep up).
    quint64 droppedCount() const { return m_dropped.load(std::memory_order_relaxed); }

    /// Hand what waits in the inbox to the sinks now (recorder thread; normally a queued call does it).
    void drain();

signals:
    /// A connection was added or changed (recorder thread, after the sinks saw it).
    void connectionChanged(const wb::capture::ConnectionInfo &info);

private:
    using Item = std::variant<ConnectionInfo, RecordedMessage>;
    bool onOwnThread() const;
    /// Caller holds m_mutex.
    void postDrainLocked();
    void deliver(const Item &item);
    void deliverConnection(const ConnectionInfo &info);

    CaptureStore *m_store;
    QList<TrafficSink *> m_sinks;

    mutable QMutex m_mutex; ///< guards everything below
    std::vector<Item> m_inbox;
    qsizetype m_inboxMessages = 0;
    qint64 m_inboxBytes = 0;
    qsizetype m_inboxLimit = kDefaultInboxLimit;
    bool m_drainPosted = false;
    QHash<ConnectionId, ConnectionInfo> m_connections;
    ConnectionId m_nextConnection = 0;
    quint32 m_nextSource = 1;
    std::atomic<quint64> m_dropped{0};
};

} // namespace wb::capture
