// SPDX-License-Identifier: GPL-3.0-or-later
#include "capture/recorder.h"

#include <QMutexLocker>
#include <QThread>

namespace wb::capture {

Recorder::Recorder(QObject *parent) : QObject(parent), m_store(new CaptureStore(this))
{
    qRegisterMetaType<wb::capture::ConnectionInfo>();
    qRegisterMetaType<wb::capture::RecordedMessage>();
    m_sinks << m_store;
}

Recorder::~Recorder() = default;

void Recorder::addSink(TrafficSink *sink)
{
    if (sink && !m_sinks.contains(sink))
        m_sinks << sink;
}

void Recorder::removeSink(TrafficSink *sink)
{
    if (sink != m_store)
        m_sinks.removeAll(sink);
}

bool Recorder::onOwnThread() const
{
    return QThread::currentThread() == thread();
}

void Recorder::postDrainLocked()
{
    if (m_drainPosted)
        return;
    m_drainPosted = true;
    QMetaObject::invokeMethod(this, &Recorder::drain, Qt::QueuedConnection);
}

ConnectionId Recorder::addConnection(ConnectionInfo info)
{
    {
        QMutexLocker lock(&m_mutex);
        info.id = m_nextConnection++;
        if (info.source == 0)
            info.source = m_nextSource++;
        m_connections.insert(info.id, info);
        if (!onOwnThread()) {
            m_inbox.emplace_back(info);
            postDrainLocked();
            return info.id;
        }
    }
    drain(); // what other threads queued before comes first
    deliverConnection(info);
    return info.id;
}

void Recorder::updateConnection(const ConnectionInfo &info)
{
    {
        QMutexLocker lock(&m_mutex);
        if (!m_connections.contains(info.id))
            return;
        m_connections[info.id] = info;
        if (!onOwnThread()) {
            m_inbox.emplace_back(info);
            postDrainLocked();
            return;
        }
    }
    drain();
    deliverConnection(info);
}

ConnectionInfo Recorder::connection(ConnectionId id) const
{
    QMutexLocker lock(&m_mutex);
    return m_connections.value(id);
}

QList<ConnectionInfo> Recorder::connections() const
{
    QMutexLocker lock(&m_mutex);
    QList<ConnectionInfo> out = m_connections.values();
    std::sort(out.begin(), out.end(), [](const ConnectionInfo &a, const ConnectionInfo &b) { return a.id < b.id; });
    return out;
}

quint32 Recorder::newSource()
{
    QMutexLocker lock(&m_mutex);
    return m_nextSource++;
}

void Recorder::record(const RecordedMessage &message)
{
    if (onOwnThread()) {
        drain();
        for (TrafficSink *s : std::as_const(m_sinks))
            s->messageRecorded(message);
        return;
    }
    appendBatch({message});
}

void Recorder::appendBatch(const QList<RecordedMessage> &batch)
{
    if (onOwnThread()) {
        drain();
        for (const RecordedMessage &m : batch) {
            for (TrafficSink *s : std::as_const(m_sinks))
                s->messageRecorded(m);
        }
        return;
    }
    QMutexLocker lock(&m_mutex);
    quint64 dropped = 0;
    for (const RecordedMessage &m : batch) {
        if (m_inboxMessages >= m_inboxLimit || m_inboxBytes + m.bytes.size() > kInboxByteLimit) {
            ++dropped;
            continue;
        }
        m_inbox.emplace_back(m);
        ++m_inboxMessages;
        m_inboxBytes += m.bytes.size();
    }
    if (dropped)
        m_dropped.fetch_add(dropped, std::memory_order_relaxed);
    if (!m_inbox.empty())
        postDrainLocked();
}

qsizetype Recorder::inboxLimit() const
{
    QMutexLocker lock(&m_mutex);
    return m_inboxLimit;
}

void Recorder::setInboxLimit(qsizetype messages)
{
    QMutexLocker lock(&m_mutex);
    m_inboxLimit = qMax<qsizetype>(1, messages);
}

void Recorder::drain()
{
    Q_ASSERT(onOwnThread());
    std::vector<Item> items;
    {
        QMutexLocker lock(&m_mutex);
        m_drainPosted = false;
        if (m_inbox.empty())
            return;
        items.swap(m_inbox);
        m_inboxMessages = 0;
        m_inboxBytes = 0;
    }
    for (const Item &item : items)
        deliver(item);
}

void Recorder::deliver(const Item &item)
{
    if (const auto *info = std::get_if<ConnectionInfo>(&item)) {
        deliverConnection(*info);
        return;
    }
    const RecordedMessage &m = std::get<RecordedMessage>(item);
    for (TrafficSink *s : std::as_const(m_sinks))
        s->messageRecorded(m);
}

void Recorder::deliverConnection(const ConnectionInfo &info)
{
    for (TrafficSink *s : std::as_const(m_sinks))
        s->connectionChanged(info);
    emit connectionChanged(info);
}

} // namespace wb::capture
