package leeloo

import "context"

// MessagesService sends messages to customers.
type MessagesService service

// Chat message types.
const (
	MessageFromUs       = "YOUR_MESSAGE"   // sent by the bot or a manager
	MessageFromCustomer = "FRIEND_MESSAGE" // written by the customer
	MessageSystem       = "SYSTEM_MESSAGE"
)

// SendMessageRequest is the body of send-message.
type SendMessageRequest struct {
	AccountID string `json:"account_id"`
	Text      string `json:"text"`
}

// SendTemplateRequest is the body of send-template.
type SendTemplateRequest struct {
	AccountID  string            `json:"account_id"`
	TemplateID string            `json:"template_id"`
	Variables  map[string]string `json:"variables,omitempty"`
}

// Send sends a text message to a customer's account (messenger channel).
//
// API: POST /messages/send-message
func (s *MessagesService) Send(ctx context.Context, req SendMessageRequest) (*Response, error) {
	_, resp, err := s.client.call(ctx, &request{method: "POST", path: "/messages/send-message", body: req})
	return resp, err
}

// SendTemplate sends a saved template, with variables, to a customer's
// account.
//
// API: POST /messages/send-template
func (s *MessagesService) SendTemplate(ctx context.Context, req SendTemplateRequest) (*Response, error) {
	_, resp, err := s.client.call(ctx, &request{method: "POST", path: "/messages/send-template", body: req})
	return resp, err
}
