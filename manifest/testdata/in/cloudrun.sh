gcloud run deploy gateway \
  --image="gcr.io/endpoints-release/endpoints-runtime-serverless:1" \
  --set-env-vars='^#^ENDPOINTS_SERVICE_NAME=gw.a.run.app#ESP_ARGS=--rollout_strategy=managed,--cors_preset=basic' \
  --allow-unauthenticated --platform managed
docker run -e ESP_ARGS=--backend=127.0.0.1:8081 gcr.io/endpoints-release/endpoints-runtime-serverless:1
