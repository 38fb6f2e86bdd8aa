// SPDX-License-Identifier: GPL-3.0-or-later
#include "trafficmodel.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>
#include <QGuiApplication>
#include <QPalette>

namespace wb::ui {

using capture::CaptureRecord;
using capture::Direction;
using capture::LinkKind;
using wamp::MessageType;

TrafficModel::TrafficModel(capture::CaptureStore *store, QObject *parent) : QAbstractTableModel(parent), m_store(store)
{
    m_first = store->firstSeq();
}

int TrafficModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_count;
}

int TrafficModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

quint64 TrafficModel::seqAt(int row) const
{
    return row >= 0 && row < m_count ? m_first + quint64(row) : 0;
}

int TrafficModel::rowOf(quint64 seq) const
{
    return seq >= m_first && seq < m_first + quint64(m_count) ? int(seq - m_first) : -1;
}

quint64 TrafficModel::pendingCount() const
{
    const quint64 shownEnd = m_first + quint64(m_count);
    return m_store->nextSeq() > shownEnd ? m_store->nextSeq() - shownEnd : 0;
}

void TrafficModel::sync()
{
    // 1. rows the cap (or clear()) dropped
    if (m_store->firstSeq() > m_first) {
        const quint64 gone = qMin<quint64>(m_store->firstSeq() - m_first, quint64(m_count));
        if (gone > 0) {
            beginRemoveRows({}, 0, int(gone) - 1);
            m_first += gone;
            m_count -= int(gone);
            endRemoveRows();
        }
        if (m_count == 0)
            m_first = m_store->firstSeq();
    }
    if (m_paused)
        return;
    // 2. new rows, one batch
    const quint64 shownEnd = m_first + quint64(m_count);
    if (m_store->nextSeq() > shownEnd) {
        const int added = int(qMin<quint64>(m_store->nextSeq() - shownEnd, quint64(std::numeric_limits<int>::max() - m_count)));
        beginInsertRows({}, m_count, m_count + added - 1);
        m_count += added;
        endInsertRows();
    }
}

QString TrafficModel::linkKindName(LinkKind k)
{
    switch (k) {
    case LinkKind::Exact: return tr("exact (request ID)");
    case LinkKind::CallerDisclosed: return tr("exact (caller disclosed)");
    case LinkKind::ByProcedure: return tr("guessed (same procedure, oldest open CALL)");
    case LinkKind::Routed: return tr("exact (recorded by the router)");
    case LinkKind::None: break;
    }
    return {};
}

QString TrafficModel::linkText(const CaptureRecord &r) const
{
    if (!r.linkSeq || r.linkSeq == r.seq)
        return {};
    QString text = tr("CALL #%1").arg(r.linkSeq);
    if (m_store->contains(r.linkSeq)) {
        const double ms = double(r.timeUs - m_store->at(r.linkSeq).timeUs) / 1000.0;
        text += QStringLiteral(" +%1 ms").arg(ms, 0, 'f', ms < 10 ? 2 : 1);
    }
    if (r.link == LinkKind::ByProcedure)
        text += QStringLiteral(" (?)");
    return text;
}

QString TrafficModel::idsText(quint64 seq, const CaptureRecord &r) const
{
    if (const QString *cached = m_idsCache.object(seq))
        return *cached;
    const QString text = buildIdsText(seq, r);
    m_idsCache.insert(seq, new QString(text));
    return text;
}

QString TrafficModel::buildIdsText(quint64 seq, const CaptureRecord &r) const
{
    const auto t = MessageType(r.type);
    if (t == MessageType::Event || t == MessageType::Welcome || t == MessageType::Invocation
        || t == MessageType::Subscribed || t == MessageType::Registered || t == MessageType::Published) {
        const wamp::Message m = m_store->decode(seq);
        if (!m.isValid())
            return r.requestId ? QString::number(r.requestId) : QString();
        switch (t) {
        case MessageType::Event: return tr("sub %1 pub %2").arg(m.at(1).toUInt64().value_or(0)).arg(m.at(2).toUInt64().value_or(0));
        case MessageType::Welcome: return tr("session %1").arg(m.at(1).toUInt64().value_or(0));
        case MessageType::Invocation: return tr("req %1 reg %2").arg(r.requestId).arg(m.at(2).toUInt64().value_or(0));
        case MessageType::Subscribed: return tr("req %1 sub %2").arg(r.requestId).arg(m.at(2).toUInt64().value_or(0));
        case MessageType::Registered: return tr("req %1 reg %2").arg(r.requestId).arg(m.at(2).toUInt64().value_or(0));
        case MessageType::Published: return tr("req %1 pub %2").arg(r.requestId).arg(m.at(2).toUInt64().value_or(0));
        default: break;
        }
    }
    return r.requestId ? tr("req %1").arg(r.requestId) : QString();
}

QVariant TrafficModel::data(const QModelIndex &index, int role) const
{
    const quint64 seq = seqAt(index.row());
    if (!seq || !m_store->contains(seq))
        return {};
    const CaptureRecord &r = m_store->at(seq);
    if (role == SeqRole)
        return QVariant::fromValue(seq);
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Time: return QDateTime::fromMSecsSinceEpoch(r.timeUs / 1000).toString(QStringLiteral("HH:mm:ss.zzz"));
        case Connection: return m_store->connectionName(r.connection);
        case Direction: return r.direction == Direction::Out ? tr("→ out") : tr("← in");
        case Type: return r.type ? wamp::Message::typeName(qint64(r.type)) : tr("(undecodable)");
        case Ids: return idsText(seq, r);
        case Uri: return m_store->uri(r.uri);
        case Size: return QString::number(r.size);
        case Link:
            if (r.violation)
                return tr("⚠ %1").arg(m_store->violationReason(seq));
            return linkText(r);
        default: break;
        }
    } else if (role == Qt::ToolTipRole) {
        if (r.violation)
            return tr("Protocol violation: %1").arg(m_store->violationReason(seq));
        if (index.column() == Link && r.linkSeq && r.linkSeq != r.seq)
            return tr("Linked to CALL #%1: %2").arg(r.linkSeq).arg(linkKindName(r.link));
    } else if (role == Qt::ForegroundRole) {
        if (r.violation)
            return QBrush(QColor(0xd9, 0x53, 0x4f));
        if (index.column() == Type) {
            const auto t = MessageType(r.type);
            if (t == MessageType::Error || t == MessageType::Abort)
                return QBrush(QColor(0xd9, 0x53, 0x4f));
        }
    } else if (role == Qt::TextAlignmentRole) {
        if (index.column() == Size)
            return int(Qt::AlignRight | Qt::AlignVCenter);
    }
    return {};
}

QVariant TrafficModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Time: return tr("Time");
    case Connection: return tr("Connection");
    case Direction: return tr("Dir");
    case Type: return tr("Type");
    case Ids: return tr("IDs");
    case Uri: return tr("URI");
    case Size: return tr("Bytes");
    case Link: return tr("Linked / flagged");
    default: return {};
    }
}

} // namespace wb::ui
