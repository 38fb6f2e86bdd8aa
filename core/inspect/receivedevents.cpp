// SPDX-License-Identifier: GPL-3.0-or-later
#include "inspect/receivedevents.h"

#include "codec/serializer.h"
#include "inspect/fieldpath.h"
#include "inspect/jsontext.h"

namespace wb::inspect {

using wamp::Value;

namespace {
constexpr qsizetype kChunkSize = 1 << 20;

const codec::Serializer *packer()
{
    static const codec::Serializer *s = codec::serializer(codec::SerializerId::MsgPack);
    return s;
}
} // namespace

ReceivedEventLog::ReceivedEventLog(qsizetype cap) : m_cap(qMax<qsizetype>(1, cap)) {}

void ReceivedEventLog::setCap(qsizetype cap)
{
    m_cap = qMax<qsizetype>(1, cap);
    if (size() > m_cap)
        dropFront(size() - m_cap);
}

quint64 ReceivedEventLog::append(qint64 timeMs, quint64 subscription, const QString &topic, quint64 publisher,
                           const wamp::List &args, const wamp::Dict &kwargs, quint32 wireSize)
{
    if (size() >= m_cap)
        dropFront(size() - m_cap + 1);

    Record r;
    r.timeMs = timeMs;
    r.subscription = subscription;
    r.publisher = publisher;
    r.wireSize = wireSize;
    auto tit = m_topicIds.constFind(topic);
    if (tit == m_topicIds.cend()) {
        tit = m_topicIds.insert(topic, quint32(m_topics.size()));
        m_topics.append(topic);
        m_stats.emplace_back();
    }
    r.topic = tit.value();

    // [args, kwargs] as MessagePack; empty payload stored as zero bytes.
    QByteArray bytes;
    if (!args.isEmpty() || !kwargs.isEmpty()) {
        wamp::List pair;
        pair.reserve(2);
        pair.append(Value(args));
        pair.append(Value(kwargs));
        bytes = packer()->encode(Value(std::move(pair)));
    }
    const qsizetype len = bytes.size();
    if (len > 0) {
        if (m_chunks.empty() || m_chunks.back().data.capacity() - m_chunks.back().data.size() < len) {
            Chunk c;
            c.number = m_nextChunk++;
            c.data.reserve(qMax(kChunkSize, len));
            m_chunks.push_back(std::move(c));
        }
        Chunk &c = m_chunks.back();
        r.chunk = c.number;
        r.offset = quint32(c.data.size());
        c.data.append(bytes);
    } else {
        r.chunk = m_chunks.empty() ? m_nextChunk : m_chunks.back().number;
    }
    r.length = quint32(len);
    m_records.push_back(r);

    const quint64 seq = endSeq() - 1;
    TopicStat &st = m_stats[r.topic];
    ++st.count;
    st.lastTimeMs = timeMs;
    st.lastSeq = seq;
    return seq;
}

void ReceivedEventLog::dropFront(qsizetype n)
{
    n = qMin(n, size());
    if (n <= 0)
        return;
    m_records.erase(m_records.begin(), m_records.begin() + n);
    m_firstSeq += quint64(n);
    if (m_records.empty()) {
        m_chunks.clear();
        return;
    }
    const quint32 keepFrom = m_records.front().chunk;
    while (m_chunks.size() > 1 && m_chunks.front().number < keepFrom)
        m_chunks.pop_front();
}

void ReceivedEventLog::clear()
{
    m_firstSeq = endSeq();
    m_clearedSeq = m_firstSeq;
    m_records.clear();
    m_chunks.clear();
    m_topics.clear();
    m_topicIds.clear();
    m_stats.clear();
}

QByteArrayView ReceivedEventLog::payloadBytes(quint64 seq) const
{
    if (!contains(seq))
        return {};
    const Record &r = record(seq);
    if (r.length == 0 || m_chunks.empty())
        return {};
    const quint32 first = m_chunks.front().number;
    if (r.chunk < first)
        return {};
    const Chunk &c = m_chunks[r.chunk - first];
    return QByteArrayView(c.data.constData() + r.offset, r.length);
}

bool ReceivedEventLog::payload(quint64 seq, wamp::List *args, wamp::Dict *kwargs) const
{
    if (!contains(seq))
        return false;
    const QByteArrayView b = payloadBytes(seq);
    if (b.isEmpty()) {
        *args = {};
        *kwargs = {};
        return true;
    }
    const Result<Value> v = packer()->decode(b);
    if (!v.ok() || !v->isList() || v->listPtr()->size() != 2)
        return false;
    *args = v->listPtr()->at(0).toList();
    *kwargs = v->listPtr()->at(1).toDict();
    return true;
}

Value ReceivedEventLog::payloadRoot(quint64 seq) const
{
    wamp::List a;
    wamp::Dict k;
    payload(seq, &a, &k);
    return inspect::payloadRoot(a, k);
}

QString ReceivedEventLog::preview(quint64 seq, int maxChars) const
{
    wamp::List a;
    wamp::Dict k;
    if (!payload(seq, &a, &k))
        return QString();
    QString s = toCompactJson(Value(a));
    if (!k.isEmpty())
        s += QLatin1Char(' ') + toCompactJson(Value(k));
    if (s.size() > maxChars)
        s = s.left(maxChars - 1) + QChar(0x2026);
    return s;
}

bool ReceivedEventLog::updateRates(qint64 nowMs, qint64 windowMs)
{
    if (m_lastRateMs == 0) {
        m_lastRateMs = nowMs;
        return false;
    }
    const qint64 dt = nowMs - m_lastRateMs;
    if (dt < windowMs)
        return false;
    for (TopicStat &st : m_stats) {
        const quint64 n = st.count - st.countAtRate;
        st.rate = double(n) * 1000.0 / double(dt);
        if (n > 0 && contains(st.lastSeq)) {
            const QByteArrayView b = payloadBytes(st.lastSeq);
            st.lastPayload = QByteArray(b.data(), b.size());
        }
        st.countAtRate = st.count;
    }
    m_lastRateMs = nowMs;
    return true;
}

qint64 ReceivedEventLog::memoryBytes() const
{
    qint64 b = qint64(m_records.size()) * qint64(sizeof(Record));
    for (const Chunk &c : m_chunks)
        b += c.data.capacity();
    return b;
}

} // namespace wb::inspect
