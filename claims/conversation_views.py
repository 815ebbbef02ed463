import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render

from claims import conversations
from claims.forms import ConversationForm, MessageForm
from claims.models import Conversation
from profiles.models import Researcher

logger = logging.getLogger(__name__)


def conversation_for_user(request, conversation_id) -> Conversation:
    """Return a conversation the request user takes part in, or 404 for anyone else."""
    queryset = Conversation.objects.for_user(request.user).select_related(
        "initiator", "recipient", "initiator_researcher", "recipient_researcher"
    )
    return get_object_or_404(queryset, pk=conversation_id)


@login_required
def start(request, researcher_id):
    researcher = get_object_or_404(Researcher.objects.for_profile_page(), pk=researcher_id)
    viewer_profile = conversations.owned_profile(request.user)
    lock = conversations.invitation_lock_reason(request.user, researcher, viewer_profile)
    form = ConversationForm(request.POST or None)
    status = 403 if lock and request.method == "POST" else 200
    if not lock and request.method == "POST" and form.is_valid():
        try:
            conversation = conversations.start_conversation(
                request.user, researcher, subject=form.cleaned_data["subject"], body=form.cleaned_data["body"]
            )
        except conversations.ConversationError as error:
            logger.info("User %s could not invite researcher %s: %s", request.user.pk, researcher.pk, error)
            form.add_error(None, str(error))
            status = 429 if str(error) == conversations.RATE_LIMITED_MESSAGE else 200
        else:
            messages.success(request, f"Your invitation was sent to {researcher.display_name}.")
            return redirect(conversation)
    context = {"researcher": researcher, "form": form, "lock": lock}
    return render(request, "claims/start_conversation.html", context, status=status)


@login_required
def conversation_list(request):
    items = (
        Conversation.objects.for_user(request.user)
        .select_related("initiator_researcher", "recipient_researcher")
        .order_by("-updated_at", "-pk")
    )
    rows = [(item, item.other_researcher(request.user)) for item in items]
    return render(request, "claims/conversations.html", {"rows": rows})


@login_required
def conversation(request, conversation_id):
    item = conversation_for_user(request, conversation_id)
    form = MessageForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            conversations.post_message(request.user, item, form.cleaned_data["body"])
        except conversations.ConversationError as error:
            logger.info("User %s could not post in conversation %s: %s", request.user.pk, item.pk, error)
            form.add_error(None, str(error))
            status = 429 if str(error) == conversations.RATE_LIMITED_MESSAGE else 200
        else:
            return redirect(item)
    context = {
        "conversation": item,
        "other": item.other_researcher(request.user),
        "conversation_messages": item.messages.select_related("sender"),
        "form": form,
    }
    return render(request, "claims/conversation.html", context, status=status)
