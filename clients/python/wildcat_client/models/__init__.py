"""Contains all the data models used in inputs/outputs"""

from .account import Account
from .account_counts import AccountCounts
from .account_created_response import AccountCreatedResponse
from .account_current_status import AccountCurrentStatus
from .account_list_response import AccountListResponse
from .account_response import AccountResponse
from .account_send_policy import AccountSendPolicy
from .account_status import AccountStatus
from .account_status_response import AccountStatusResponse
from .account_status_response_status import AccountStatusResponseStatus
from .accounts_get_qr_format import AccountsGetQrFormat
from .card import Card
from .chat import Chat
from .chat_extras_send_sticker_body import ChatExtrasSendStickerBody
from .chat_extras_status_image_body import ChatExtrasStatusImageBody
from .chat_read_response import ChatReadResponse
from .chats_response import ChatsResponse
from .check_numbers import CheckNumbers
from .cluster_accounts import ClusterAccounts
from .cluster_instance import ClusterInstance
from .cluster_response import ClusterResponse
from .connect_attempt import ConnectAttempt
from .connect_attempt_outcome import ConnectAttemptOutcome
from .connection_response import ConnectionResponse
from .connections_response import ConnectionsResponse
from .contact import Contact
from .contact_card import ContactCard
from .contact_detail import ContactDetail
from .contact_response import ContactResponse
from .contacts_response import ContactsResponse
from .create_account import CreateAccount
from .create_group import CreateGroup
from .create_webhook import CreateWebhook
from .create_webhook_events_item import CreateWebhookEventsItem
from .dashboard_login_submit_body import DashboardLoginSubmitBody
from .delete import Delete
from .deliveries_response import DeliveriesResponse
from .delivery import Delivery
from .delivery_event import DeliveryEvent
from .delivery_payload_type_0 import DeliveryPayloadType0
from .delivery_response import DeliveryResponse
from .delivery_status import DeliveryStatus
from .edit import Edit
from .error import Error
from .events_page import EventsPage
from .events_page_events_item import EventsPageEventsItem
from .fail_connects import FailConnects
from .group import Group
from .group_response import GroupResponse
from .group_summary import GroupSummary
from .groups_response import GroupsResponse
from .groups_set_picture_body import GroupsSetPictureBody
from .health_response import HealthResponse
from .health_response_dispatcher import HealthResponseDispatcher
from .health_response_status import HealthResponseStatus
from .health_response_store import HealthResponseStore
from .health_response_supervisor import HealthResponseSupervisor
from .history import History
from .history_chat import HistoryChat
from .history_message import HistoryMessage
from .history_response import HistoryResponse
from .inbound import Inbound
from .inbound_response import InboundResponse
from .inbound_state import InboundState
from .inbound_type import InboundType
from .invite_response import InviteResponse
from .join_group import JoinGroup
from .joined_response import JoinedResponse
from .kick import Kick
from .kick_reason import KickReason
from .last_message import LastMessage
from .message import Message
from .message_contacts_item import MessageContactsItem
from .message_id_response import MessageIdResponse
from .message_location import MessageLocation
from .message_poll import MessagePoll
from .message_reactions import MessageReactions
from .message_response import MessageResponse
from .message_status import MessageStatus
from .message_view_response import MessageViewResponse
from .messages_response import MessagesResponse
from .messages_send_media_body import MessagesSendMediaBody
from .messages_send_media_kind import MessagesSendMediaKind
from .network import Network
from .number_check import NumberCheck
from .number_check_response import NumberCheckResponse
from .ok_response import OkResponse
from .openapi_spec_response_200 import OpenapiSpecResponse200
from .pair import Pair
from .pair_response import PairResponse
from .participant import Participant
from .participant_admin_type_1 import ParticipantAdminType1
from .participant_admin_type_2_type_1 import ParticipantAdminType2Type1
from .participant_admin_type_3_type_1 import ParticipantAdminType3Type1
from .participant_result import ParticipantResult
from .participants import Participants
from .participants_action import ParticipantsAction
from .participants_response import ParticipantsResponse
from .ping_response import PingResponse
from .presence import Presence
from .presence_state import PresenceState
from .qr_json_response import QrJsonResponse
from .react import React
from .receipt import Receipt
from .receipt_type import ReceiptType
from .registered import Registered
from .registered_lids import RegisteredLids
from .registered_response import RegisteredResponse
from .reply import Reply
from .sandbox_group_event import SandboxGroupEvent
from .sandbox_group_event_action import SandboxGroupEventAction
from .sandbox_group_event_response import SandboxGroupEventResponse
from .sandbox_group_event_response_changes import SandboxGroupEventResponseChanges
from .sandbox_group_invite import SandboxGroupInvite
from .sandbox_inbound_files_body import SandboxInboundFilesBody
from .sandbox_inbound_files_body_state import SandboxInboundFilesBodyState
from .sandbox_inbound_files_body_type import SandboxInboundFilesBodyType
from .sandbox_invite_response import SandboxInviteResponse
from .scan import Scan
from .scan_response import ScanResponse
from .send_contact import SendContact
from .send_location import SendLocation
from .send_policy import SendPolicy
from .send_poll import SendPoll
from .send_text import SendText
from .sent_item import SentItem
from .sent_response import SentResponse
from .status_text import StatusText
from .token_response import TokenResponse
from .update_account import UpdateAccount
from .update_group import UpdateGroup
from .update_webhook import UpdateWebhook
from .update_webhook_events_item import UpdateWebhookEventsItem
from .webhook import Webhook
from .webhook_created_response import WebhookCreatedResponse
from .webhook_deleted_response import WebhookDeletedResponse
from .webhook_delivery_counts import WebhookDeliveryCounts
from .webhook_response import WebhookResponse
from .webhook_summary import WebhookSummary
from .webhooks_list_deliveries_status import WebhooksListDeliveriesStatus
from .webhooks_response import WebhooksResponse

__all__ = (
    "Account",
    "AccountCounts",
    "AccountCreatedResponse",
    "AccountCurrentStatus",
    "AccountListResponse",
    "AccountResponse",
    "AccountSendPolicy",
    "AccountStatus",
    "AccountStatusResponse",
    "AccountStatusResponseStatus",
    "AccountsGetQrFormat",
    "Card",
    "Chat",
    "ChatExtrasSendStickerBody",
    "ChatExtrasStatusImageBody",
    "ChatReadResponse",
    "ChatsResponse",
    "CheckNumbers",
    "ClusterAccounts",
    "ClusterInstance",
    "ClusterResponse",
    "ConnectAttempt",
    "ConnectAttemptOutcome",
    "ConnectionResponse",
    "ConnectionsResponse",
    "Contact",
    "ContactCard",
    "ContactDetail",
    "ContactResponse",
    "ContactsResponse",
    "CreateAccount",
    "CreateGroup",
    "CreateWebhook",
    "CreateWebhookEventsItem",
    "DashboardLoginSubmitBody",
    "Delete",
    "DeliveriesResponse",
    "Delivery",
    "DeliveryEvent",
    "DeliveryPayloadType0",
    "DeliveryResponse",
    "DeliveryStatus",
    "Edit",
    "Error",
    "EventsPage",
    "EventsPageEventsItem",
    "FailConnects",
    "Group",
    "GroupResponse",
    "GroupSummary",
    "GroupsResponse",
    "GroupsSetPictureBody",
    "HealthResponse",
    "HealthResponseDispatcher",
    "HealthResponseStatus",
    "HealthResponseStore",
    "HealthResponseSupervisor",
    "History",
    "HistoryChat",
    "HistoryMessage",
    "HistoryResponse",
    "Inbound",
    "InboundResponse",
    "InboundState",
    "InboundType",
    "InviteResponse",
    "JoinGroup",
    "JoinedResponse",
    "Kick",
    "KickReason",
    "LastMessage",
    "Message",
    "MessageContactsItem",
    "MessageIdResponse",
    "MessageLocation",
    "MessagePoll",
    "MessageReactions",
    "MessageResponse",
    "MessageStatus",
    "MessageViewResponse",
    "MessagesResponse",
    "MessagesSendMediaBody",
    "MessagesSendMediaKind",
    "Network",
    "NumberCheck",
    "NumberCheckResponse",
    "OkResponse",
    "OpenapiSpecResponse200",
    "Pair",
    "PairResponse",
    "Participant",
    "ParticipantAdminType1",
    "ParticipantAdminType2Type1",
    "ParticipantAdminType3Type1",
    "ParticipantResult",
    "Participants",
    "ParticipantsAction",
    "ParticipantsResponse",
    "PingResponse",
    "Presence",
    "PresenceState",
    "QrJsonResponse",
    "React",
    "Receipt",
    "ReceiptType",
    "Registered",
    "RegisteredLids",
    "RegisteredResponse",
    "Reply",
    "SandboxGroupEvent",
    "SandboxGroupEventAction",
    "SandboxGroupEventResponse",
    "SandboxGroupEventResponseChanges",
    "SandboxGroupInvite",
    "SandboxInboundFilesBody",
    "SandboxInboundFilesBodyState",
    "SandboxInboundFilesBodyType",
    "SandboxInviteResponse",
    "Scan",
    "ScanResponse",
    "SendContact",
    "SendLocation",
    "SendPolicy",
    "SendPoll",
    "SendText",
    "SentItem",
    "SentResponse",
    "StatusText",
    "TokenResponse",
    "UpdateAccount",
    "UpdateGroup",
    "UpdateWebhook",
    "UpdateWebhookEventsItem",
    "Webhook",
    "WebhookCreatedResponse",
    "WebhookDeletedResponse",
    "WebhookDeliveryCounts",
    "WebhookResponse",
    "WebhookSummary",
    "WebhooksListDeliveriesStatus",
    "WebhooksResponse",
)
