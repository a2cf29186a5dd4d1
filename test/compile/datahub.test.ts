import { parse } from "yaml";
import { compileDatahubKafka, DATAHUB_GROUPS, DATAHUB_TOPICS, renderDatahubRecipe } from "../../lib/compile";
import { fixtureMesh, stackSettings } from "../helpers/settings";

const prod = stackSettings("prod");
const dev = stackSettings("dev");

describe("DataHub on the platform's Kafka", () => {
  it("is not planned when DataHub runs its own Kafka (dev)", () => {
    expect(compileDatahubKafka(dev)).toBeNull();
  });

  it("gives DataHub its own SCRAM user with exactly create/read/write/describe on its topics and read/describe on its groups", () => {
    const k = compileDatahubKafka(prod)!;
    expect([k.partitions, k.replicationFactor]).toEqual([3, 3]);
    expect(k.sasl!.user).toEqual({ resourceName: "datahub-kafka-user", role: "datahub", username: "lakemesh-datahub", passwordKey: "datahubKafkaPassword", mskSecretName: "AmazonMSK_lakemesh-datahub", mskSecretArn: null });
    const ops = (type: string, name: string) => k.sasl!.acls.filter((a) => a.resourceType === type && a.resourceNameValue === name).map((a) => a.operation);
    for (const t of DATAHUB_TOPICS) expect(ops("Topic", t)).toEqual(["Create", "Read", "Write", "Describe"]);
    for (const g of DATAHUB_GROUPS) expect(ops("Group", g)).toEqual(["Read", "Describe"]);
    expect(k.sasl!.acls.filter((a) => a.patternType === "Prefixed").map((a) => `${a.resourceType} ${a.resourceNameValue} ${a.operation}`)).toEqual([
      "Group datahub-duhe-consumer-job-client Read",
      "Group datahub-duhe-consumer-job-client Describe",
    ]);
    expect(new Set(k.sasl!.acls.map((a) => a.principal))).toEqual(new Set(["User:lakemesh-datahub"]));
    expect(new Set(k.sasl!.acls.map((a) => a.resourceName)).size).toBe(k.sasl!.acls.length);
  });

  it("needs no user on a plaintext cluster", () => {
    expect(compileDatahubKafka({ ...prod, kafka: { ...prod.kafka, auth: "plaintext" } })!.sasl).toBeNull();
  });
});

describe("renderDatahubRecipe", () => {
  it("keeps query text, top queries, usage statistics and profiling off", () => {
    const recipe = parse(renderDatahubRecipe(prod, fixtureMesh().byName.get("alpha")!, "lakemesh_prod", "wh", "http://gms:8080"));
    expect(recipe.source.config).toMatchObject({ include_queries: false, include_top_n_queries: false, include_usage_statistics: false, profiling: { enabled: false } });
  });
});
