package leeloo_test

import (
	"context"
	"net/http"
	"strings"

	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

// messageCases are the endpoint cases of messages.go.
func messageCases() []endpointCase {
	return []endpointCase{
		{
			name: "send_template",
			want: func(in endpointInputs) wantRequest {
				vars := make([]string, 0, len(in.TemplateVariables))
				for k, v := range in.TemplateVariables {
					vars = append(vars, jsonString(k)+":"+jsonString(v))
				}
				return wantRequest{Method: http.MethodPost, Path: "/messages/send-template", Body: `{
					"account_id": "` + in.AccountID + `",
					"template_id": "` + in.TemplateID + `",
					"variables": {` + strings.Join(vars, ",") + `}}`}
			},
			call: func(ctx context.Context, c *leeloo.Client, in endpointInputs) (any, *leeloo.Response, error) {
				resp, err := c.Messages.SendTemplate(ctx, leeloo.SendTemplateRequest{
					AccountID: in.AccountID, TemplateID: in.TemplateID, Variables: in.TemplateVariables,
				})
				return nil, resp, err
			},
			check: noData,
		},
		{
			name: "send_message",
			want: func(in endpointInputs) wantRequest {
				return wantRequest{Method: http.MethodPost, Path: "/messages/send-message",
					Body: `{"account_id": "` + in.AccountID + `", "text": "текст сообщения"}`}
			},
			call: func(ctx context.Context, c *leeloo.Client, in endpointInputs) (any, *leeloo.Response, error) {
				resp, err := c.Messages.Send(ctx, leeloo.SendMessageRequest{AccountID: in.AccountID, Text: "текст сообщения"})
				return nil, resp, err
			},
			check: noData,
		},
	}
}
