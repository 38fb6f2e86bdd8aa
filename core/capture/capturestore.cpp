// SPDX-License-Identifier: GPL-3.0-or-later
#include "capturestore.h"

#include "codec/messagecodec.h"


#include <cstring>
#include <limits>

namespace wb::capture {

using wamp::Message;
using wamp::MessageType;

namespace {

constexpr quint32 kChunkSize = 1 << 20;        ///< raw bytes are kept in 1 MiB chunks
constexpr qsizetype kMaxPerProcedure = 4096;   ///< unanswered CALLs remembered per procedure

quint64 uintAt(const Message &m, int pos)
{
    return m.at(pos).toUInt64().value_or(0);
}

} // namespace

CaptureStore::CaptureStore(QObject *parent) : QObject(parent) {}

void CaptureStore::ensureConnection(ConnectionId connection)
{
    if (connection >= m_conns.size()) {
        const size_t old = m_conns.size();
        m_conns.resize(size_t(connection) + 1);
        for (size_t i = old; i < m_conns.size(); ++i)
            m_conns[i].source = quint32(i);
    }
}

ConnectionId CaptureStore::addConnection(const QString &name, Perspective perspective)
{
    const auto id = ConnectionId(m_conns.size());
    ensureConnection(id);
    m_conns[id].name = name;
    m_conns[id].perspective = perspective;
    return id;
}

void CaptureStore::setConnectionName(ConnectionId connection, const QString &name)
{
    if (connection < m_conns.size())
        m_conns[connection].name = name;
}

QString CaptureStore::connectionName(ConnectionId connection) const
{
    return connection < m_conns.size() ? m_conns[connection].name : QString();
}

quint32 CaptureStore::connectionSource(ConnectionId connection) const
{
    return connection < m_conns.size() ? m_conns[connection].source : connection;
}

Perspective CaptureStore::perspective(ConnectionId connection) const
{
    return connection < m_conns.size() ? m_conns[connection].perspective : Perspective::Client;
}

void CaptureStore::setSessionId(ConnectionId connection, quint64 sessionId)
{
    if (connection >= m_conns.size())
        return;
    Conn &c = m_conns[connection];
    if (c.sessionId == sessionId)
        return;
    if (c.sessionId) {
        const auto it = m_connBySession.constFind(c.sessionId);
        if (it != m_connBySession.cend() && *it == connection)
            m_connBySession.erase(it);
    }
    c.sessionId = sessionId;
    if (sessionId)
        m_connBySession.insert(sessionId, connection);
}

void CaptureStore::connectionChanged(const ConnectionInfo &info)
{
    ensureConnection(info.id);
    Conn &c = m_conns[info.id];
    c.name = info.name;
    c.source = info.source;
    c.perspective = info.perspective;
    if (info.closed.isValid())
        resetConnection(info.id); // nothing more will be answered on it
}

void CaptureStore::messageRecorded(const RecordedMessage &rm)
{
    ensureConnection(rm.connection);
    CaptureRecord r;
    r.timeUs = rm.time.isValid() ? rm.time.wallUs : transport::Timestamp::now().wallUs;
    r.monoUs = rm.time.monoUs;
    r.connection = rm.connection;
    r.serializer = quint8(rm.serializer);
    r.direction = rm.direction;
    r.binary = rm.binary;
    r.sessionId = rm.sessionId;
    r.kind = rm.kind;
    if (rm.kind != RecordKind::Message) {
        // A transport event (ping, pong, error): no WAMP message to decode or correlate.
        if (rm.kind == RecordKind::TransportError) {
            r.violation = true;
            const quint64 seq = push(r, rm.bytes).seq;
            m_violations.insert(seq, rm.violation);
        } else {
            push(r, rm.bytes);
        }
        return;
    }
    if (!rm.violation.isEmpty() && !rm.message.isValid()) {
        recordViolationRecord(r, rm.violation, rm.bytes);
        return;
    }
    if (rm.message.isValid()) {
        recordDecoded(r, rm.message, rm.bytes, rm.linkConnection, rm.linkRequest);
    } else {
        // A source that did not decode (a router tap hands over bytes): decode here, on the store's thread.
        const codec::Serializer *s = codec::serializer(rm.serializer);
        if (!s) {
            recordViolationRecord(r, tr("unknown serializer"), rm.bytes);
            return;
        }
        Result<Message> m = codec::decodeMessage(*s, rm.bytes);
        if (!m.ok()) {
            recordViolationRecord(r, m.errorString(), rm.bytes);
            return;
        }
        recordDecoded(r, *m, rm.bytes, rm.linkConnection, rm.linkRequest);
    }
    if (!rm.violation.isEmpty())
        recordViolationRecord(r, rm.violation, rm.bytes);
}

void CaptureStore::resetConnection(ConnectionId connection)
{
    m_calls.removeConnection(connection);
    m_pendingRegs.removeConnection(connection);
    m_registrations.removeConnection(connection);
    m_pendingSubs.removeConnection(connection);
    m_subscriptions.removeConnection(connection);
    m_invocations.removeConnection(connection);
    for (auto it = m_callsByProcedure.begin(); it != m_callsByProcedure.end(); ++it) {
        it->removeIf([this, connection](quint64 seq) { return !contains(seq) || at(seq).connection == connection; });
    }
    setSessionId(connection, 0);
}

quint32 CaptureStore::intern(const QString &uri)
{
    if (uri.isEmpty())
        return 0;
    const auto it = m_uriIndex.constFind(uri);
    if (it != m_uriIndex.cend())
        return *it;
    // URIs are few in practice; a hostile peer inventing millions would grow this table: cap it.
    if (m_uris.size() >= 1'000'000)
        return 0;
    const auto idx = quint32(m_uris.size());
    m_uris << uri;
    m_uriIndex.insert(uri, idx);
    return idx;
}

void CaptureStore::storeBytes(CaptureRecord &r, const QByteArray &bytes)
{
    const auto n = quint32(qMin<qsizetype>(bytes.size(), std::numeric_limits<quint32>::max() / 2));
    if (m_chunks.empty() || m_chunks.back().capacity - m_chunks.back().used < n) {
        Chunk c;
        c.id = m_nextChunkId++;
        c.capacity = qMax<quint32>(kChunkSize, n);
        c.data.reset(new char[c.capacity]);
        m_chunkBytes += c.capacity;
        m_chunks.push_back(std::move(c));
    }
    Chunk &c = m_chunks.back();
    if (n)
        memcpy(c.data.get() + c.used, bytes.constData(), n);
    r.chunk = c.id;
    r.offset = c.used;
    r.size = n;
    c.used += n;
}

void CaptureStore::releaseChunks()
{
    // Chunks are filled in record order: everything before the oldest record's chunk is unreferenced.
    const quint32 keepFrom = size() ? at(m_firstSeq).chunk : m_nextChunkId;
    while (m_chunks.size() > 1 && m_chunks.front().id < keepFrom) {
        m_chunkBytes -= m_chunks.front().capacity;
        m_chunks.pop_front();
    }
    if (size() == 0 && !m_chunks.empty() && m_chunks.size() == 1) {
        m_chunkBytes -= m_chunks.front().capacity;
        m_chunks.clear();
    }
}

QByteArray CaptureStore::bytes(quint64 seq) const
{
    if (!contains(seq))
        return {};
    const CaptureRecord &r = at(seq);
    if (m_chunks.empty() || r.chunk < m_chunks.front().id)
        return {};
    const Chunk &c = m_chunks[r.chunk - m_chunks.front().id];
    return QByteArray(c.data.get() + r.offset, r.size);
}

CaptureRecord &CaptureStore::push(CaptureRecord r, const QByteArray &bytes)
{
    r.seq = m_nextSeq++;
    storeBytes(r, bytes);
    if (r.connection < m_conns.size())
        m_conns[r.connection].lastSeq = r.seq;
    if (qsizetype(m_ring.size()) < m_capacity) {
        m_ring.push_back(r);
        return m_ring.back();
    }
    CaptureRecord &slot = m_ring[size_t(m_head)];
    if (slot.violation)
        m_violations.remove(slot.seq);
    slot = r;
    m_head = (m_head + 1) % qsizetype(m_ring.size());
    ++m_firstSeq;
    releaseChunks();
    return slot;
}

const CaptureRecord &CaptureStore::at(quint64 seq) const
{
    Q_ASSERT(contains(seq));
    const auto logical = qsizetype(seq - m_firstSeq);
    const auto n = qsizetype(m_ring.size());
    return m_ring[size_t((m_head + logical) % n)];
}

void CaptureStore::setCapacity(qsizetype capacity)
{
    capacity = qMax<qsizetype>(1, capacity);
    if (capacity == m_capacity)
        return;
    std::vector<CaptureRecord> ordered;
    const qsizetype keep = qMin(capacity, size());
    ordered.reserve(size_t(keep));
    for (quint64 s = m_nextSeq - quint64(keep); s < m_nextSeq; ++s)
        ordered.push_back(at(s));
    for (quint64 s = m_firstSeq; s < m_nextSeq - quint64(keep); ++s)
        m_violations.remove(s);
    m_firstSeq = m_nextSeq - quint64(keep);
    m_ring = std::move(ordered);
    m_ring.shrink_to_fit();
    m_head = 0;
    m_capacity = capacity;
    releaseChunks();
}

void CaptureStore::clear()
{
    m_ring.clear();
    m_ring.shrink_to_fit();
    m_head = 0;
    m_firstSeq = m_nextSeq;
    m_violations.clear();
    m_chunks.clear();
    m_chunkBytes = 0;
}

qint64 CaptureStore::approximateBytes() const
{
    return qint64(m_ring.capacity()) * qint64(sizeof(CaptureRecord)) + m_chunkBytes;
}

quint64 CaptureStore::linkInvocation(const Message &m, quint32 procedure, LinkKind *kind)
{
    *kind = LinkKind::None;
    auto it = m_callsByProcedure.find(procedure);
    if (procedure == 0 || it == m_callsByProcedure.end())
        return 0;
    QList<quint64> &calls = *it;
    calls.removeIf([this](quint64 s) { return !contains(s); });
    const quint64 caller = m.dict().value(QStringLiteral("caller")).toUInt64().value_or(0);
    if (caller != 0) {
        const auto callerConn = m_connBySession.constFind(caller);
        if (callerConn != m_connBySession.cend()) {
            for (qsizetype i = 0; i < calls.size(); ++i) {
                if (at(calls.at(i)).connection == *callerConn) {
                    *kind = LinkKind::CallerDisclosed;
                    return calls.takeAt(i);
                }
            }
        }
        return 0; // disclosed caller is not one of ours
    }
    if (calls.isEmpty())
        return 0;
    *kind = LinkKind::ByProcedure;
    return calls.takeFirst();
}

void CaptureStore::record(ConnectionId conn, Direction dir, const Message &m, const QByteArray &bytes,
                          codec::SerializerId serializer, qint64 timeUs)
{
    ensureConnection(conn);
    CaptureRecord r;
    r.timeUs = timeUs ? timeUs : transport::Timestamp::now().wallUs;
    r.connection = conn;
    r.serializer = quint8(serializer);
    r.direction = dir;
    if (const codec::Serializer *s = codec::serializer(serializer))
        r.binary = s->isBinary();
    r.sessionId = m_conns[conn].sessionId;
    if (m.type() == MessageType::Welcome)
        r.sessionId = uintAt(m, 1);
    recordDecoded(r, m, bytes);
}

void CaptureStore::recordDecoded(CaptureRecord r, const Message &m, const QByteArray &bytes,
                                 ConnectionId linkConnection, quint64 linkRequest)
{
    const ConnectionId conn = r.connection;
    r.type = quint8(m.code());
    r.requestId = m.requestId();
    // "in" means towards the client: what a client receives, what a router sends.
    const bool in = (r.direction == Direction::In) == (m_conns[conn].perspective == Perspective::Client);
    const ConnKey k{conn, r.requestId};
    if (r.sessionId && m.type() != MessageType::Goodbye && m.type() != MessageType::Abort)
        setSessionId(conn, r.sessionId);

    switch (m.type()) {
    case MessageType::Welcome:
        if (in)
            setSessionId(conn, uintAt(m, 1));
        break;
    case MessageType::Hello:
        r.uri = intern(m.uri());
        break;
    case MessageType::Call:
        r.uri = intern(m.uri());
        if (!in) {
            r.link = LinkKind::Exact;
            CaptureRecord &rec = push(r, bytes);
            rec.linkSeq = rec.seq;
            m_calls.insert(k, rec.seq);
            QList<quint64> &byProc = m_callsByProcedure[rec.uri];
            byProc.append(rec.seq);
            if (byProc.size() > kMaxPerProcedure)
                byProc.removeFirst();
            return;
        }
        break;
    case MessageType::Result:
    case MessageType::Error: {
        if (m.type() == MessageType::Error)
            r.uri = intern(m.uri());
        const auto reqType = m.type() == MessageType::Error ? MessageType(uintAt(m, 1)) : MessageType::Call;
        if (in && reqType == MessageType::Call) {
            if (const quint64 *call = m_calls.find(k)) {
                const quint64 callSeq = *call;
                r.linkSeq = callSeq;
                r.link = LinkKind::Exact;
                const bool progress = m.type() == MessageType::Result && m.dict().value(QStringLiteral("progress")).toBool();
                if (!progress) {
                    m_calls.remove(k);
                    if (contains(callSeq)) {
                        auto p = m_callsByProcedure.find(at(callSeq).uri);
                        if (p != m_callsByProcedure.end())
                            p->removeOne(callSeq);
                    }
                }
            }
        } else if (!in && reqType == MessageType::Invocation) {
            if (const quint64 *call = m_invocations.find(k)) {
                r.linkSeq = *call;
                r.link = LinkKind::Exact;
                m_invocations.remove(k);
            }
        }
        break;
    }
    case MessageType::Cancel:
        if (!in) {
            r.linkSeq = m_calls.value(k);
            r.link = r.linkSeq ? LinkKind::Exact : LinkKind::None;
        }
        break;
    case MessageType::Register:
        r.uri = intern(m.uri());
        if (!in) {
            m_pendingRegs.insert(k, r.uri);
        }
        break;
    case MessageType::Registered:
        if (in) {
            r.uri = m_pendingRegs.take(k);
            m_registrations.insert(ConnKey{conn, uintAt(m, 2)}, r.uri);
        }
        break;
    case MessageType::Subscribe:
        r.uri = intern(m.uri());
        if (!in) {
            m_pendingSubs.insert(k, r.uri);
        }
        break;
    case MessageType::Subscribed:
        if (in) {
            r.uri = m_pendingSubs.take(k);
            m_subscriptions.insert(ConnKey{conn, uintAt(m, 2)}, r.uri);
        }
        break;
    case MessageType::Event: {
        const wamp::Value topic = m.at(3)[QStringLiteral("topic")];
        r.uri = topic.isString() ? intern(topic.toString()) : m_subscriptions.value(ConnKey{conn, uintAt(m, 1)});
        break;
    }
    case MessageType::Invocation:
        if (in) {
            const wamp::Value proc = m.at(3)[QStringLiteral("procedure")];
            r.uri = proc.isString() ? intern(proc.toString()) : m_registrations.value(ConnKey{conn, uintAt(m, 2)});
            LinkKind kind = LinkKind::None;
            if (linkConnection != kNoConnection) {
                // The router said which CALL this is for: exact, whatever the procedure or disclosure.
                const ConnKey callKey{linkConnection, linkRequest};
                if (const quint64 *call = m_calls.find(callKey)) {
                    r.linkSeq = *call;
                    kind = LinkKind::Routed;
                    if (contains(r.linkSeq)) {
                        auto p = m_callsByProcedure.find(at(r.linkSeq).uri);
                        if (p != m_callsByProcedure.end())
                            p->removeOne(r.linkSeq);
                    }
                }
            } else {
                r.linkSeq = linkInvocation(m, r.uri, &kind);
            }
            r.link = kind;
            if (r.linkSeq)
                m_invocations.insert(k, r.linkSeq);
        }
        break;
    case MessageType::Yield:
        if (!in) {
            if (const quint64 *call = m_invocations.find(k)) {
                r.linkSeq = *call;
                r.link = LinkKind::Exact;
                if (!m.dict().value(QStringLiteral("progress")).toBool())
                    m_invocations.remove(k);
            }
        }
        break;
    case MessageType::Interrupt:
        if (in) {
            r.linkSeq = m_invocations.value(k);
            r.link = r.linkSeq ? LinkKind::Exact : LinkKind::None;
        }
        break;
    default:
        r.uri = intern(m.uri());
        break;
    }
    push(r, bytes);
}

void CaptureStore::recordViolation(ConnectionId conn, const QString &reason, const QByteArray &bytes,
                                   codec::SerializerId serializer, qint64 timeUs)
{
    ensureConnection(conn);
    CaptureRecord r;
    r.timeUs = timeUs ? timeUs : transport::Timestamp::now().wallUs;
    r.connection = conn;
    r.serializer = quint8(serializer);
    r.direction = Direction::In;
    r.sessionId = m_conns[conn].sessionId;
    recordViolationRecord(r, reason, bytes);
}

void CaptureStore::recordViolationRecord(CaptureRecord r, const QString &reason, const QByteArray &bytes)
{
    const ConnectionId conn = r.connection;
    const quint64 last = conn < m_conns.size() ? m_conns[conn].lastSeq : 0;
    if (last && contains(last)) {
        const CaptureRecord &rec = at(last);
        if (rec.direction == r.direction && !bytes.isEmpty() && rec.size == quint32(bytes.size()) && this->bytes(last) == bytes) {
            const_cast<CaptureRecord &>(rec).violation = true;
            m_violations.insert(last, reason);
            return;
        }
    }
    r.violation = true;
    // Best effort: the type code, if the bytes decode to a list starting with an integer.
    if (const codec::Serializer *s = codec::serializer(codec::SerializerId(r.serializer))) {
        Result<wamp::Value> v = s->decode(bytes);
        if (v.ok() && v->isList() && !v->toList().isEmpty())
            r.type = quint8(qBound(qint64(0), qint64(v->toList().first().toInt64().value_or(0)), qint64(255)));
    }
    const quint64 seq = push(r, bytes).seq;
    m_violations.insert(seq, reason);
}

QList<quint64> CaptureStore::linkedMessages(quint64 seq) const
{
    if (!contains(seq))
        return {};
    const quint64 root = at(seq).linkSeq;
    if (!root)
        return {};
    QList<quint64> out;
    if (contains(root))
        out << root;
    // Linked messages always come after their CALL; bounded by the store size.
    for (quint64 s = qMax(root + 1, m_firstSeq); s < m_nextSeq; ++s) {
        if (at(s).linkSeq == root)
            out << s;
    }
    return out;
}

Message CaptureStore::decode(quint64 seq, QString *error) const
{
    if (!contains(seq)) {
        if (error)
            *error = tr("no longer in the capture (dropped by the cap)");
        return {};
    }
    const CaptureRecord &r = at(seq);
    const codec::Serializer *s = codec::serializer(codec::SerializerId(r.serializer));
    if (!s) {
        if (error)
            *error = tr("unknown serializer");
        return {};
    }
    Result<wamp::Value> v = s->decode(bytes(seq));
    if (!v.ok()) {
        if (error)
            *error = v.errorString();
        return {};
    }
    Result<Message> m = Message::fromValue(*v);
    if (!m.ok()) {
        if (error)
            *error = m.errorString();
        return {};
    }
    return *m;
}

} // namespace wb::capture
