// An `OperationModel` for tests of the stages after the model (examples, views): the fields a
// test does not care about at their plainest values.
import type { OperationModel } from "../../generator/model-types.js";

export function operationModel(
  partial: Partial<OperationModel> & Pick<OperationModel, "path" | "method">,
): OperationModel {
  return {
    name: "things.get",
    constName: "thingsGet",
    methodName: "get",
    deprecated: false,
    pathParams: [],
    queryParams: [],
    headerParams: [],
    args: "flat",
    argsOptional: false,
    response: "json",
    scopes: [],
    auth: true,
    safe: false,
    pointer: "#/paths",
    ...partial,
  };
}
